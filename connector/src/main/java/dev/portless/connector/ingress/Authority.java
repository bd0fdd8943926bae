package dev.portless.connector.ingress;

import dev.portless.common.config.HostPort;

/** The {@code host[:port]} after a scheme's {@code //}, checked alike for TCP targets and web origins. */
final class Authority {
    private Authority() {}

    /**
     * Returns the host and port of {@code authority}, or throws a sentence that quotes the service and
     * ends with {@code example} and, for a path, {@code pathNote}.
     */
    static HostPort parse(String scheme, String authority, int defaultPort, String example, String pathNote) {
        final String service = scheme + "://" + authority;
        for (char c : new char[] {'/', '?', '#'}) {
            if (authority.indexOf(c) >= 0) {
                throw new IllegalArgumentException(
                        '"' + service + "\" has a path, query or fragment (expected: " + example + pathNote + ')');
            }
        }
        if (authority.indexOf('@') >= 0) {
            throw new IllegalArgumentException('"' + service + "\" has a user name (expected: " + example
                    + "; the user signs in through the edge)");
        }
        try {
            return HostPort.parse(authority, defaultPort);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    '"' + service + "\": " + e.getMessage().replace("host:port", example), e);
        }
    }
}
