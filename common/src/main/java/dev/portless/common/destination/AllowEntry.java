package dev.portless.common.destination;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.HostPort;
import dev.portless.common.net.IpLiterals;
import dev.portless.common.net.IpRange;
import java.net.InetAddress;
import java.util.Locale;

/**
 * One destination a bastion's policy allows (the SSH bridge's, a connector's {@code bastion} rule), as written in {@code allow}: a host name
 * ({@code db.internal}, or {@code *.db.internal} for any name below it) or an address range
 * ({@code 10.0.0.0/8}, {@code 127.0.0.1}, {@code [fd00::/8]}), then a port, a range ({@code 2200-2300})
 * or {@code *}.
 */
public final class AllowEntry {

    /** The forms an entry may take, for error messages. */
    public static final String EXPECTED = "expected host:port such as db.internal:5432, *.corp.internal:22, "
            + "10.0.0.0/8:22, 127.0.0.1:2200-2300 or [fd00::/8]:*";

    private final String text;
    /** Lower case, no trailing dot; for a wildcard the suffix including its leading dot; null for a range. */
    private final String name;

    private final boolean wildcard;
    private final IpRange range;
    private final int firstPort;
    private final int lastPort;

    private AllowEntry(String text, String name, boolean wildcard, IpRange range, int firstPort, int lastPort) {
        this.text = text;
        this.name = name;
        this.wildcard = wildcard;
        this.range = range;
        this.firstPort = firstPort;
        this.lastPort = lastPort;
    }

    /**
     * Returns the entry {@code text} spells.
     *
     * @throws IllegalArgumentException with one sentence saying what is wrong
     */
    public static AllowEntry parse(String text) {
        requireNonNull(text, "text");
        final String hostText;
        final String portText;
        if (text.startsWith("[")) {
            final int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException('"' + text + "\" is not [address]:port (" + EXPECTED + ')');
            }
            hostText = text.substring(1, close);
            portText = text.substring(close + 2);
        } else {
            final int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException('"' + text + "\" has no port (" + EXPECTED + ')');
            }
            if (text.indexOf(':') != colon) {
                throw new IllegalArgumentException(
                        '"' + text + "\": put IPv6 addresses in brackets (" + EXPECTED + ')');
            }
            hostText = text.substring(0, colon);
            portText = text.substring(colon + 1);
        }
        final int[] ports = ports(text, portText);
        if (hostText.equals("*")) {
            throw new IllegalArgumentException('"' + text + "\": \"*\" would allow every host; name the hosts, "
                    + "or write a range such as 10.0.0.0/8");
        }
        if (hostText.contains("/") || IpLiterals.parse(hostText) != null) {
            return new AllowEntry(text, null, false, IpRange.parse(hostText), ports[0], ports[1]);
        }
        final boolean wildcard = hostText.startsWith("*.");
        final String bare = wildcard ? hostText.substring(2) : hostText;
        HostPort.checkHost(bare);
        final String normalized = normalizeName(bare);
        return new AllowEntry(text, wildcard ? '.' + normalized : normalized, wildcard, null, ports[0], ports[1]);
    }

    /** Returns {@code host} as names are compared: lower case, without a trailing dot. */
    public static String normalizeName(String host) {
        final String lower = host.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static int[] ports(String text, String portText) {
        if (portText.equals("*")) {
            return new int[] {1, 65535};
        }
        final int dash = portText.indexOf('-');
        final int first = port(text, dash < 0 ? portText : portText.substring(0, dash));
        final int last = dash < 0 ? first : port(text, portText.substring(dash + 1));
        if (last < first) {
            throw new IllegalArgumentException('"' + text + "\": the port range " + portText + " runs backwards");
        }
        return new int[] {first, last};
    }

    private static int port(String text, String digits) {
        if (!digits.matches("\\d{1,5}") || Integer.parseInt(digits) < 1 || Integer.parseInt(digits) > 65535) {
            throw new IllegalArgumentException(
                    '"' + text + "\": port \"" + digits + "\" is not a number in " + "1..65535 (" + EXPECTED + ')');
        }
        return Integer.parseInt(digits);
    }

    /** Returns whether {@code port} lies in this entry's ports. */
    public boolean coversPort(int port) {
        return port >= firstPort && port <= lastPort;
    }

    /** Returns whether this entry is an address range rather than a name. */
    public boolean isRange() {
        return range != null;
    }

    /** Returns whether this is a name entry matching {@code normalizedHost}; range entries never match names. */
    public boolean matchesName(String normalizedHost) {
        requireNonNull(normalizedHost, "normalizedHost");
        if (name == null) {
            return false;
        }
        return wildcard
                ? normalizedHost.endsWith(name) && normalizedHost.length() > name.length()
                : normalizedHost.equals(name);
    }

    /** Returns whether this is a range entry containing {@code address}. */
    public boolean containsAddress(InetAddress address) {
        requireNonNull(address, "address");
        return range != null && range.contains(address);
    }

    /**
     * Returns whether this entry names the special range {@code kind} on purpose: the whole range lies
     * inside it, as {@code 127.0.0.1} or {@code 169.254.169.254/32} do and {@code 0.0.0.0/0} does not.
     */
    public boolean explicitlyCovers(AddressClass kind) {
        return range != null && AddressClass.of(range.first()) == kind && AddressClass.of(range.last()) == kind;
    }

    @Override
    public String toString() {
        return text;
    }
}
