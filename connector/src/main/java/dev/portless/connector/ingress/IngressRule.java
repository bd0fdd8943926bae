package dev.portless.connector.ingress;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One ingress rule of the connector: which app hostnames it takes and the service they reach.
 *
 * <p>A hostname pattern is either exact ({@code db.example.com}) or a leading wildcard ({@code *.example.com})
 * that matches one or more labels to its left, so {@code a.example.com} and {@code a.b.example.com} but not
 * {@code example.com}. Matching ignores case and one trailing dot.
 *
 * <p>A rule with a {@code path} (a regular expression found anywhere in the request path, as cloudflared's)
 * takes web requests only: a TCP stream has no path, so it passes such a rule by.
 *
 * @param hostnamePattern the normalised pattern, or {@code null} for a rule of every hostname
 * @param path            the path expression, or {@code null} for a rule of every path and of TCP streams
 * @param service         what matching streams reach
 * @param connectTimeout  how long dialing a TCP target may take
 * @param originRequest   how a web origin is reached
 * @param line            the rule's line in the configuration file, for messages; 0 when not from a file
 */
public record IngressRule(
        String hostnamePattern,
        Pattern path,
        Service service,
        Duration connectTimeout,
        OriginRequest originRequest,
        int line) {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

    /** Normalises the pattern (lower case, no trailing dot) and validates every component. */
    public IngressRule {
        requireNonNull(service, "service");
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(originRequest, "originRequest");
        if (hostnamePattern != null) {
            hostnamePattern = normalizePattern(hostnamePattern);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout: " + connectTimeout + " (expected: > 0)");
        }
        if (line < 0) {
            throw new IllegalArgumentException("line: " + line + " (expected: >= 0)");
        }
    }

    /** Returns a rule of every path with the default origin settings, as a TCP rule is. */
    public IngressRule(String hostnamePattern, Service service, Duration connectTimeout, int line) {
        this(hostnamePattern, null, service, connectTimeout, OriginRequest.DEFAULTS, line);
    }

    /** Returns whether this rule has neither hostname nor path and so matches every stream. */
    public boolean isCatchAll() {
        return hostnamePattern == null && path == null;
    }

    /**
     * Returns whether this rule takes a web request for {@code hostname} and {@code requestPath} (the path
     * without the query, as cloudflared matches it).
     */
    public boolean matchesWeb(String hostname, String requestPath) {
        return matchesHost(hostname)
                && (path == null
                        || path.matcher(requestPath == null ? "" : requestPath).find());
    }

    /** Returns whether this rule takes a TCP stream for {@code hostname}; a rule with a path never does. */
    public boolean matches(String hostname) {
        return path == null && matchesHost(hostname);
    }

    private boolean matchesHost(String hostname) {
        if (hostnamePattern == null) {
            return true;
        }
        if (hostname == null) {
            return false;
        }
        final String name = stripTrailingDot(hostname.toLowerCase(Locale.ROOT));
        if (hostnamePattern.startsWith("*.")) {
            final String suffix = hostnamePattern.substring(1); // ".example.com"
            return name.length() > suffix.length() && name.endsWith(suffix);
        }
        return name.equals(hostnamePattern);
    }

    /** Returns whether every hostname {@code later} matches is already taken by this rule. */
    boolean covers(IngressRule later) {
        // Path expressions are compared as written: two different ones may overlap or not.
        if (path != null && (later.path == null || !path.pattern().equals(later.path.pattern()))) {
            return false;
        }
        if (hostnamePattern == null) {
            return true;
        }
        if (later.hostnamePattern == null) {
            return false;
        }
        if (!later.hostnamePattern.startsWith("*.")) {
            return matchesHost(later.hostnamePattern);
        }
        // *.example.com covers *.example.com and *.a.example.com.
        return hostnamePattern.equals(later.hostnamePattern)
                || hostnamePattern.startsWith("*.") && matchesHost(later.hostnamePattern.substring(2));
    }

    /**
     * Returns {@code pattern} in lower case without a trailing dot.
     *
     * @throws IllegalArgumentException when it is neither a host name nor {@code *.} and a host name
     */
    static String normalizePattern(String pattern) {
        final String name = stripTrailingDot(pattern.toLowerCase(Locale.ROOT));
        if (name.equals("*")) {
            throw new IllegalArgumentException("\"*\" is not a hostname (a catch-all rule is one without "
                    + "hostname, e.g. \"- service: http_status:404\")");
        }
        final boolean wildcard = name.startsWith("*.");
        final String rest = wildcard ? name.substring(2) : name;
        if (rest.indexOf('*') >= 0) {
            throw new IllegalArgumentException('"' + pattern + "\": a wildcard may only be the whole leftmost "
                    + "label (expected: an exact hostname or *.example.com)");
        }
        if (rest.isEmpty() || rest.length() > 253 || !rest.chars().allMatch(c -> c < 128)) {
            throw new IllegalArgumentException(
                    '"' + pattern + "\" is not a valid hostname " + "(expected: an exact hostname or *.example.com)");
        }
        for (String label : rest.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException('"' + pattern + "\" is not a valid hostname (expected: an "
                        + "exact hostname or *.example.com, without scheme, port or path)");
            }
        }
        return name;
    }

    private static String stripTrailingDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
