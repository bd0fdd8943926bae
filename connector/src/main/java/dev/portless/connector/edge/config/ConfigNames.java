package dev.portless.connector.edge.config;

import dev.portless.common.config.ConfigNode;
import dev.portless.common.config.HostPort;
import dev.portless.connector.secret.SecretHash;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the identifiers the edge configuration is built from (names, hostnames, digests) and reports a value
 * given twice on the line of its second occurrence.
 */
final class ConfigNames {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    /** The values already seen, with the line and path of their first occurrence. */
    private final Map<String, String> firstSeen = new HashMap<>();

    private final String what;

    /** Returns a tracker of the values of one kind, {@code what} being e.g. {@code "tunnel name"}. */
    ConfigNames(String what) {
        this.what = what;
    }

    /** Throws on {@code node}'s {@code key} when {@code value} was given before. */
    void requireUnique(ConfigNode node, String key, String value) {
        final String first = firstSeen.putIfAbsent(value, node.path(key) + " on line " + node.line(key));
        if (first != null) {
            throw node.error(
                    key,
                    "duplicate " + what + " \"" + value + "\", first given as " + first + " (each " + what
                            + " must be unique)");
        }
    }

    /** Returns the name under {@code key}: 1..63 letters, digits, '.', '_' or '-', starting with a letter or digit. */
    static String name(ConfigNode node, String key) {
        final String name = node.requireString(key);
        if (!NAME.matcher(name).matches()) {
            throw node.error(
                    key,
                    '"' + name + "\" is not a valid name (expected: up to 63 letters, digits, "
                            + "'.', '_' or '-', starting with a letter or digit)");
        }
        return name;
    }

    /** Returns the SHA-256 hex digest under {@code key}, in lower case. */
    static String sha256(ConfigNode node, String key) {
        final String digest = node.requireString(key);
        if (!SecretHash.isSha256Hex(digest)) {
            throw node.error(
                    key,
                    "expected 64 hex digits, the SHA-256 of the secret (store the digest printed "
                            + "when the secret was created, never the secret itself)");
        }
        return digest.toLowerCase(Locale.ROOT);
    }

    /** Returns the exact hostname under {@code key}, in lower case without a trailing dot. */
    static String hostname(ConfigNode node, String key) {
        final String text = node.requireString(key);
        if (text.startsWith("*")) {
            throw node.error(
                    key,
                    '"' + text + "\": apps need an exact hostname (wildcards belong in the "
                            + "connector's ingress rules)");
        }
        final String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        try {
            HostPort.checkHost(name);
        } catch (IllegalArgumentException e) {
            throw node.error(key, e.getMessage());
        }
        if (name.indexOf(':') >= 0) {
            throw node.error(
                    key,
                    '"' + text + "\" is not a hostname (expected: a DNS name such as "
                            + "ssh.example.com, without scheme, port or path)");
        }
        return name.toLowerCase(Locale.ROOT);
    }
}
