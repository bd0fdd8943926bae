package dev.portless.connector.edge.policy;

import static java.util.Objects.requireNonNull;

import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Returns a block of IP addresses in CIDR form, {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare
 * address is its own /32 or /128.
 */
public final class IpRange {
    private final byte[] network;
    private final int prefix;

    private IpRange(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * Returns the range {@code text} denotes; only literals, never names, so no DNS is involved.
     *
     * @throws IllegalArgumentException with a sentence saying what is wrong
     */
    public static IpRange parse(String text) {
        requireNonNull(text, "text");
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null || address.contains("%")) {
            throw new IllegalArgumentException('"' + text + "\" is not an IP range (expected: CIDR such as "
                    + "10.0.0.0/8 or 2001:db8::/32, or a single address)");
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > bits) {
                throw new IllegalArgumentException('"' + text + "\" has an invalid prefix length (expected: 0.."
                        + bits + ')');
            }
            prefix = Integer.parseInt(p);
        }
        byte[] network = mask(bytes, prefix);
        if (!Arrays.equals(network, bytes)) {
            throw new IllegalArgumentException('"' + text + "\" has bits set after the prefix (did you mean "
                    + format(network) + '/' + prefix + "?)");
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

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    private static String format(byte[] bytes) {
        try {
            InetAddress a = InetAddress.getByAddress(bytes);
            return a instanceof Inet6Address ? NetUtil.toAddressString(a) : a.getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
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

    @Override
    public String toString() {
        return format(network) + '/' + prefix;
    }
}
