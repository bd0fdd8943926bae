package dev.portless.access.cli;

import java.net.URI;
import java.util.Locale;

/**
 * The app hostname a command argument names: {@code db.example.com}, or a URL such as
 * {@code https://db.example.com/} as cloudflared users type it.
 */
final class AppName {
    private AppName() {}

    static String parse(String text) {
        String t = text.trim();
        String host = t;
        if (t.contains("://")) {
            try {
                host = URI.create(t).getHost();
            } catch (IllegalArgumentException e) {
                host = null;
            }
        }
        if (host == null
                || host.isEmpty()
                || !host.matches("[A-Za-z0-9.-]+")
                || host.startsWith(".")
                || host.endsWith(".")
                || host.contains("..")) {
            throw new IllegalArgumentException(
                    "app: \"" + text + "\" is not a hostname (expected: e.g. db.example.com)");
        }
        return host.toLowerCase(Locale.ROOT);
    }
}
