package dev.portless.access.edge;

import dev.portless.common.json.Json;
import java.text.ParseException;
import java.util.Map;

/**
 * The sentence for an HTTP error the edge answered instead of upgrading.
 *
 * <p>The edge's JSON body already holds the sentence; the status alone is the fallback for edges
 * or proxies that answer without one.
 */
final class EdgeErrors {
    private EdgeErrors() {}

    /** Returns the edge's error code in {@code body}, e.g. {@code token_expired}, or null. */
    static String code(String body) {
        try {
            Object error = Json.readObject(body).get("error");
            return error instanceof String s && !s.isBlank() ? s : null;
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }

    static String sentence(int status, String body, String hostname, EdgeEndpoint edge) {
        try {
            Map<String, Object> json = Json.readObject(body);
            Object message = json.get("message");
            if (message instanceof String s && !s.isBlank()) {
                return s;
            }
        } catch (ParseException | RuntimeException e) {
            // Not the edge's JSON: fall back to the status.
        }
        return switch (status) {
            case 401 -> "The edge at " + edge + " refused the credentials for " + hostname + ".";
            case 403 -> "You are not allowed to reach " + hostname + ".";
            case 404 -> "The edge at " + edge + " has no app at " + hostname + "; check --hostname.";
            case 502, 503 -> "The edge at " + edge + " could not reach " + hostname + " (HTTP " + status + ").";
            case 504 -> "The target of " + hostname + " did not answer in time (HTTP 504).";
            default -> "The edge at " + edge + " answered HTTP " + status + " for " + hostname + ".";
        };
    }
}
