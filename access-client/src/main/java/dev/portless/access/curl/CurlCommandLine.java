package dev.portless.access.curl;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/** The names {@code access curl} reads: which curl to run and which app a URL is for. */
public final class CurlCommandLine {
    /** The variable naming the curl to run (default: {@code curl} on PATH). */
    public static final String CURL_ENV = "PORTLESS_CURL";

    private CurlCommandLine() {}

    /** Returns the curl to run for {@code env}. */
    public static String curl(Map<String, String> env) {
        return requireNonNull(env, "env").getOrDefault(CURL_ENV, "curl");
    }

    /** Returns the host of {@code url}, the app whose credentials curl gets. */
    public static String host(String url) {
        requireNonNull(url, "url");
        try {
            String host = new URI(url).getHost();
            if (host != null && !host.isEmpty()) {
                return host;
            }
        } catch (URISyntaxException e) {
            // Falls through to the sentence below.
        }
        throw new IllegalArgumentException(
                "URL: \"" + url + "\" has no host (expected: https://app.example.com/path, the app's URL)");
    }
}
