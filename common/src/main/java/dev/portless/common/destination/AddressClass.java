package dev.portless.common.destination;

import static java.util.Objects.requireNonNull;

import dev.portless.common.net.IpLiterals;
import dev.portless.common.net.IpRange;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The kind of address a destination is, for the ranges a bastion must never reach by accident:
 * the host's own loopback, link-local networks (where cloud metadata services answer), and addresses
 * that are no single host at all.
 */
public enum AddressClass {
    /** An ordinary unicast address, public or private. */
    ORDINARY("an ordinary address"),
    /** 127.0.0.0/8 and ::1: services on the host itself. */
    LOOPBACK("a loopback address (a service on the host itself)"),
    /** 169.254.0.0/16, fe80::/10 and the well-known cloud metadata addresses outside them. */
    LINK_LOCAL("a link-local or cloud metadata address (cloud metadata services answer there)"),
    /** 0.0.0.0/8, ::, multicast, broadcast and IPv4-compatible IPv6: never one remote host. */
    NOT_A_HOST("not a single host (unspecified, multicast, broadcast or deprecated IPv4-compatible form)");

    // fd00:ec2::254 (AWS IMDS over IPv6) is a unique-local address, and 100.100.100.200 (Alibaba Cloud)
    // sits in shared address space, so the plain range checks would call both ordinary.
    private static final byte[][] METADATA = {bytes("fd00:ec2::254"), bytes("100.100.100.200")};
    // RFC 6052's well-known NAT64 prefix: 64:ff9b::a9fe:a9fe reaches 169.254.169.254 through a NAT64 gateway.
    private static final IpRange NAT64 = IpRange.parse("64:ff9b::/96");

    private final String description;

    AddressClass(String description) {
        this.description = description;
    }

    /** Returns the class of {@code address}. */
    public static AddressClass of(InetAddress address) {
        requireNonNull(address, "address");
        for (byte[] metadata : METADATA) {
            if (Arrays.equals(metadata, address.getAddress())) {
                return LINK_LOCAL;
            }
        }
        if (address instanceof Inet6Address) {
            final Inet6Address v6 = (Inet6Address) address;
            if (NAT64.contains(v6)) {
                return of(embeddedIpv4(v6));
            }
            if (v6.isIPv4CompatibleAddress() && !v6.isLoopbackAddress() && !v6.isAnyLocalAddress()) {
                return NOT_A_HOST;
            }
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress() || isIpv4ThisNetworkOrBroadcast(address)) {
            return NOT_A_HOST;
        }
        if (address.isLoopbackAddress()) {
            return LOOPBACK;
        }
        if (address.isLinkLocalAddress()) {
            return LINK_LOCAL;
        }
        return ORDINARY;
    }

    /** Returns the class in words, for refusal messages. */
    public String description() {
        return description;
    }

    private static boolean isIpv4ThisNetworkOrBroadcast(InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            return false;
        }
        final byte[] b = address.getAddress();
        // 0.0.0.0/8 means "this host" to Linux: connecting to 0.1.2.3 or 0.0.0.0 reaches local services.
        return b[0] == 0 || (b[0] & b[1] & b[2] & b[3]) == (byte) 0xff;
    }

    private static InetAddress embeddedIpv4(Inet6Address address) {
        final byte[] b = address.getAddress();
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are an IPv4 address", e);
        }
    }

    private static byte[] bytes(String literal) {
        return IpLiterals.parse(literal).getAddress();
    }
}
