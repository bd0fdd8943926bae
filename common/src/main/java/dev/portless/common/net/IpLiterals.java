package dev.portless.common.net;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * IP addresses parsed from their text form without ever asking DNS: a host name given here is
 * not an address, it is {@code null}.
 */
public final class IpLiterals {

    // Strict dotted quad: the JDK would also read "10.1" as 10.0.0.1 and "0x7f.1" in other ways.
    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
    // A label that URL parsers, inet_aton and ping read as a number: decimal, octal (leading 0) or hex (0x).
    private static final Pattern NUMERIC_LABEL = Pattern.compile("\\d+|0[xX][0-9A-Fa-f]*");

    private IpLiterals() {}

    /**
     * Returns the address {@code text} spells (IPv4 dotted quad or IPv6 without brackets and without a
     * zone), or {@code null} when {@code text} is not an IP literal. IPv4-mapped IPv6 addresses
     * ({@code ::ffff:10.0.0.1}) come back as the IPv4 address, which is how the kernel dials them.
     */
    public static InetAddress parse(String text) {
        requireNonNull(text, "text");
        final boolean v4 = IPV4.matcher(text).matches();
        final boolean v6 =
                !v4 && text.indexOf(':') >= 0 && IPV6_CHARS.matcher(text).matches();
        if (!v4 && !v6) {
            return null;
        }
        try {
            // Only literals reach this point, and the JDK never resolves a literal.
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * Returns why {@code text} is refused as an ambiguous IPv4 address, or {@code null} when it is not one.
     * A host whose last label is a number is read as IPv4 by URL parsers and {@code inet_aton} (so
     * {@code 0177.0.0.1} is 127.0.0.1 to curl and ping), while the JDK reads the same text as 177.0.0.1: only the
     * strict dotted quad of four decimal numbers without leading zeros means one address to everyone.
     */
    public static String ambiguousIpv4Problem(String text) {
        requireNonNull(text, "text");
        final String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        final int lastDot = name.lastIndexOf('.');
        if (!NUMERIC_LABEL.matcher(name.substring(lastDot + 1)).matches()) {
            return null;
        }
        if (lastDot >= 0 && name.equals(text) && IPV4.matcher(name).matches()) {
            return null;
        }
        return '"' + text + "\" is an ambiguous IPv4 address (leading zeros, octal, hex, a trailing dot or fewer "
                + "than four parts are read differently by different tools); write four decimal numbers without "
                + "leading zeros, such as 127.0.0.1";
    }

    /** Returns {@code address} as text: dotted quad, or IPv6 in brackets, ready to be followed by {@code :port}. */
    public static String hostText(InetAddress address) {
        final String text = text(address);
        return text.indexOf(':') >= 0 ? '[' + text + ']' : text;
    }

    /**
     * Returns {@code address} in its usual short form: dotted quad, or IPv6 as RFC 5952 writes it
     * ({@code ::1}, {@code fd00:ec2::254}), where the JDK would print {@code 0:0:0:0:0:0:0:1}.
     */
    public static String text(InetAddress address) {
        requireNonNull(address, "address");
        final byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return address.getHostAddress();
        }
        final int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        // The longest run of two or more zero groups becomes "::"; the first such run on a tie.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        final StringBuilder buf = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                buf.append("::");
                i += bestLength - 1;
                continue;
            }
            if (buf.length() > 0 && buf.charAt(buf.length() - 1) != ':') {
                buf.append(':');
            }
            buf.append(Integer.toHexString(groups[i]));
        }
        return buf.toString();
    }
}
