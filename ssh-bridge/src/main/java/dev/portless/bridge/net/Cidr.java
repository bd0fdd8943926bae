package dev.portless.bridge.net;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Returns an IP range in CIDR form ({@code 10.0.0.0/8}, {@code fd00::/8}) or a single address
 * ({@code 10.0.0.5}, {@code ::1}), as written in the bridge policy and in a certificate's
 * {@code source-address} option.
 */
public final class Cidr {

    private final InetAddress network;
    private final int prefixLength;
    private final String text;

    private Cidr(InetAddress network, int prefixLength, String text) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = text;
    }

    /**
     * Returns the range {@code text} spells.
     *
     * @throws IllegalArgumentException with one sentence saying what is wrong, e.g. host bits set
     */
    public static Cidr parse(String text) {
        requireNonNull(text, "text");
        final int slash = text.indexOf('/');
        final String addressText = slash < 0 ? text : text.substring(0, slash);
        final InetAddress address = IpLiterals.parse(addressText);
        if (address == null) {
            throw new IllegalArgumentException('"' + text + "\" is not an IP address or CIDR range "
                                               + "(expected e.g. 10.0.0.0/8, 10.0.0.5 or fd00::/8)");
        }
        final int bits = address.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            final String prefixText = text.substring(slash + 1);
            if (!prefixText.matches("\\d{1,3}") || Integer.parseInt(prefixText) > bits) {
                throw new IllegalArgumentException('"' + text + "\" has an invalid prefix length (expected: 0.."
                                                   + bits + ')');
            }
            prefix = Integer.parseInt(prefixText);
        }
        final Cidr cidr = new Cidr(address, prefix, text);
        if (!cidr.first().equals(address)) {
            // OpenSSH refuses these too: "10.0.0.1/8" is far more often a typo than a wish.
            throw new IllegalArgumentException('"' + text + "\" has host bits set (did you mean "
                                               + IpLiterals.text(cidr.first()) + '/' + prefix + "?)");
        }
        return cidr;
    }

    /** Returns whether {@code address} lies in this range; IPv4 never matches an IPv6 range or the reverse. */
    public boolean contains(InetAddress address) {
        final byte[] candidate = requireNonNull(address, "address").getAddress();
        final byte[] net = network.getAddress();
        if (candidate.length != net.length) {
            return false;
        }
        int remaining = prefixLength;
        for (int i = 0; i < net.length && remaining > 0; i++, remaining -= 8) {
            final int mask = remaining >= 8 ? 0xff : (0xff << (8 - remaining)) & 0xff;
            if ((candidate[i] & mask) != (net[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** Returns the lowest address of the range. */
    public InetAddress first() {
        return edge(false);
    }

    /** Returns the highest address of the range. */
    public InetAddress last() {
        return edge(true);
    }

    private InetAddress edge(boolean ones) {
        final byte[] bytes = network.getAddress();
        final int bits = bytes.length * 8;
        BigInteger value = new BigInteger(1, bytes);
        for (int bit = 0; bit < bits - prefixLength; bit++) {
            value = ones ? value.setBit(bit) : value.clearBit(bit);
        }
        final byte[] raw = value.toByteArray();
        final byte[] result = new byte[bytes.length];
        final int copy = Math.min(raw.length, result.length);
        System.arraycopy(raw, raw.length - copy, result, result.length - copy, copy);
        try {
            return InetAddress.getByAddress(result);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of " + result.length + " bytes", e);
        }
    }

    /** Returns the range as the user wrote it. */
    @Override
    public String toString() {
        return text;
    }
}
