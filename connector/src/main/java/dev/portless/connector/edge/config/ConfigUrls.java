package dev.portless.connector.edge.config;

import dev.portless.common.config.ConfigNode;
import dev.portless.common.files.OwnerOnlyFiles;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the URLs and secret files of the identity settings: HTTPS URLs (plain HTTP only on loopback,
 * for development) and files that only their owner may read.
 */
final class ConfigUrls {
    private ConfigUrls() {}

    /**
     * Returns the URL under {@code key}, without a trailing slash: https, or http on a loopback host; no
     * query, fragment or user info; a path only when {@code pathAllowed}.
     */
    static URI httpsUrl(ConfigNode node, String key, boolean pathAllowed) {
        String text = node.requireString(key);
        String trimmed = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw node.error(key, '"' + text + "\" is not a URL (expected e.g. https://edge.example.com)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw node.error(
                    key,
                    '"' + text + "\" is not an absolute http(s) URL (expected e.g. " + "https://edge.example.com)");
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            throw node.error(
                    key,
                    '"' + text + "\" uses plain http (expected https; http is only allowed on "
                            + "127.0.0.1, [::1] or localhost, for development)");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw node.error(
                    key,
                    '"' + text + "\" has user info, a query or a fragment (expected only " + "scheme, host, port"
                            + (pathAllowed ? " and path)" : ")"));
        }
        if (!pathAllowed && uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
            throw node.error(
                    key,
                    '"' + text + "\" has a path (expected only scheme, host and port, e.g. "
                            + "https://edge.example.com:8443)");
        }
        return URI.create(scheme + "://" + uri.getRawAuthority().toLowerCase(Locale.ROOT)
                + (uri.getRawPath() == null ? "" : uri.getRawPath()));
    }

    /** Returns whether {@code host} (as in a URL) is a loopback name or literal. */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("[::1]") || h.equals("::1") || h.startsWith("127.");
    }

    /** Returns the file under {@code key}, which must exist and be readable by its owner only. */
    static Path privateFile(ConfigNode node, String key) {
        Path file = node.requireFile(key);
        try {
            Optional<String> mode = OwnerOnlyFiles.othersMayAccess(file);
            if (mode.isPresent()) {
                throw node.error(
                        key,
                        "other users can access the secret in " + file + " (permissions " + mode.get()
                                + "; run \"chmod 600 " + file + "\")");
            }
            if (Files.size(file) == 0 || Files.readString(file).isBlank()) {
                throw node.error(key, file + " is empty (expected the secret on one line)");
            }
        } catch (IOException e) {
            throw node.error(key, "cannot read " + file + ": " + e.getMessage());
        }
        return file;
    }
}
