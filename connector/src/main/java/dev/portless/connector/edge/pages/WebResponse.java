package dev.portless.connector.edge.pages;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A plain HTTP response of the edge: a status, headers (repeatable, for cookies) and a body.
 *
 * @param status  the HTTP status
 * @param headers the headers in order
 * @param body    the body
 */
public record WebResponse(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    /** Checks that no component is null and copies the headers. */
    public WebResponse {
        headers = List.copyOf(requireNonNull(headers, "headers"));
        requireNonNull(body, "body");
    }

    /** Returns an HTML page. */
    public static WebResponse html(int status, String html) {
        return new WebResponse(
                status,
                List.of(
                        Map.entry("Content-Type", "text/html; charset=utf-8"),
                        Map.entry("Content-Security-Policy", Html.CONTENT_SECURITY_POLICY)),
                html.getBytes(StandardCharsets.UTF_8));
    }

    /** Returns a JSON document. */
    public static WebResponse json(int status, String json) {
        return new WebResponse(
                status, List.of(Map.entry("Content-Type", "application/json")), json.getBytes(StandardCharsets.UTF_8));
    }

    /** Returns a line of plain text. */
    public static WebResponse text(int status, String text) {
        return new WebResponse(
                status,
                List.of(Map.entry("Content-Type", "text/plain; charset=utf-8")),
                (text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Returns a 302 redirect to {@code location}. */
    public static WebResponse redirect(String location) {
        return new WebResponse(302, List.of(Map.entry("Location", requireNonNull(location, "location"))), new byte[0]);
    }

    /** Returns a 303 redirect to {@code location}, the answer to a form POST. */
    public static WebResponse seeOther(String location) {
        return new WebResponse(303, List.of(Map.entry("Location", requireNonNull(location, "location"))), new byte[0]);
    }

    /** Returns this response with one more header. */
    public WebResponse withHeader(String name, String value) {
        List<Map.Entry<String, String>> more = new ArrayList<>(headers);
        more.add(Map.entry(requireNonNull(name, "name"), requireNonNull(value, "value")));
        return new WebResponse(status, more, body);
    }

    /** Returns the first value of header {@code name}, or null. */
    public String header(String name) {
        return headers.stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }

    /** Returns the body as UTF-8 text, for tests and logs. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
