package dev.portless.common.net;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A block of IP addresses in CIDR form, {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is its
 * own /32 or /128. Written in the edge's policies, the bridge's policy and certificates' {@code source-address}.
 */
public final class IpRange {
    private final byte[] network;
    private final int prefix;

    private IpRange(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * Returns the range {@code text} denotes; only literals ({@link IpLiterals}), never names, so no DNS is
     * involved. An IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.0}) is the IPv4 address.
     *
     * @throws IllegalArgumentException with a sentence saying what is wrong
     */
    public static IpRange parse(String text) {
        requireNonNull(text, "text");
        final int slash = text.indexOf('/');
        final InetAddress address = IpLiterals.parse(slash < 0 ? text : text.substring(0, slash));
        final String ambiguous = IpLiterals.ambiguousIpv4Problem(slash < 0 ? text : text.substring(0, slash));
        if (address == null && ambiguous != null) {
            throw new IllegalArgumentException(ambiguous);
        }
        if (address == null) {
            throw new IllegalArgumentException('"' + text + "\" is not an IP range (expected: CIDR such as "
                    + "10.0.0.0/8 or 2001:db8::/32, or a single address)");
        }
        final byte[] bytes = address.getAddress();
        final int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            final String p = text.substring(slash + 1);
            if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > bits) {
                throw new IllegalArgumentException(
                        '"' + text + "\" has an invalid prefix length (expected: 0.." + bits + ')');
            }
            prefix = Integer.parseInt(p);
        }
        final byte[] network = mask(bytes, prefix);
        if (!Arrays.equals(network, bytes)) {
            // OpenSSH refuses these too: "10.0.0.1/8" is far more often a typo than a wish.
            throw new IllegalArgumentException('"' + text + "\" has host bits set (did you mean "
                    + IpLiterals.text(toAddress(network)) + '/' + prefix + "?)");
        }
        return new IpRange(network, prefix);
    }

    /** Returns whether {@code address} lies in this range; IPv4-mapped IPv6 addresses count as IPv4. */
    public boolean contains(InetAddress address) {
        byte[] bytes = requireNonNull(address, "address").getAddress();
        if (bytes.length == 16 && network.length == 4 && isIpv4Mapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes.length == network.length && Arrays.equals(mask(bytes, prefix), network);
    }

    /** Returns the lowest address of the range. */
    public InetAddress first() {
        return toAddress(network.clone());
    }

    /** Returns the highest address of the range. */
    public InetAddress last() {
        BigInteger value = new BigInteger(1, network);
        for (int bit = 0; bit < network.length * 8 - prefix; bit++) {
            value = value.setBit(bit);
        }
        final byte[] raw = value.toByteArray();
        final byte[] result = new byte[network.length];
        final int copy = Math.min(raw.length, result.length);
        System.arraycopy(raw, raw.length - copy, result, result.length - copy, copy);
        return toAddress(result);
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        final byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            final int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    private static InetAddress toAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of " + bytes.length + " bytes", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpRange r && r.prefix == prefix && Arrays.equals(r.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }

    /** Returns the range in its usual short form, {@code 10.0.0.0/8} or {@code 2001:db8::/32}. */
    @Override
    public String toString() {
        return IpLiterals.text(toAddress(network)) + '/' + prefix;
    }
}
