package dev.portless.access.socks;

import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;

/** The SOCKS5 reply code (RFC 1928, 6) of each stream error the edge or connector names. */
final class SocksReplies {
    private SocksReplies() {}

    /** Returns the reply for the edge's error code {@code code}, e.g. {@code destination_refused}. */
    static Socks5CommandStatus statusOf(String code) {
        return switch (code) {
            case "destination_refused", "forbidden" -> Socks5CommandStatus.FORBIDDEN;
            case "target_refused" -> Socks5CommandStatus.CONNECTION_REFUSED;
            case "target_unreachable", "target_unresolved", "target_timeout" -> Socks5CommandStatus.HOST_UNREACHABLE;
            default -> Socks5CommandStatus.FAILURE;
        };
    }
}
