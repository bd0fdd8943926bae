package dev.portless.connector.edge.pages;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A plain HTTP request to the edge (anything but a stream upgrade), already read whole.
 *
 * @param method     the method, upper case
 * @param path       the decoded path, without the query
 * @param query      the query parameters, first value of each
 * @param form       the parameters of an {@code application/x-www-form-urlencoded} body, first value of each
 * @param duplicated names that occurred more than once in the query or the form (OAuth refuses those)
 * @param cookies    the request's cookies
 * @param headers    the request's headers
 * @param client     the address of the connection
 * @param body       the body as UTF-8 text when it is JSON ({@code application/json}), else empty
 */
public record WebRequest(
        String method,
        String path,
        Map<String, String> query,
        Map<String, String> form,
        Set<String> duplicated,
        Map<String, String> cookies,
        HttpHeaders headers,
        InetAddress client,
        String body) {
    /** Checks that no component is null and copies the maps. */
    public WebRequest {
        requireNonNull(method, "method");
        requireNonNull(path, "path");
        query = Map.copyOf(requireNonNull(query, "query"));
        form = Map.copyOf(requireNonNull(form, "form"));
        duplicated = Set.copyOf(requireNonNull(duplicated, "duplicated"));
        cookies = Map.copyOf(requireNonNull(cookies, "cookies"));
        requireNonNull(headers, "headers");
        requireNonNull(client, "client");
        requireNonNull(body, "body");
    }

    /** Returns a request without a JSON body. */
    public WebRequest(
            String method,
            String path,
            Map<String, String> query,
            Map<String, String> form,
            Set<String> duplicated,
            Map<String, String> cookies,
            HttpHeaders headers,
            InetAddress client) {
        this(method, path, query, form, duplicated, cookies, headers, client, "");
    }

    /** Returns the query parameter {@code name}, if present and not empty. */
    public Optional<String> query(String name) {
        return Optional.ofNullable(query.get(name)).filter(v -> !v.isEmpty());
    }

    /** Returns the form parameter {@code name}, if present and not empty. */
    public Optional<String> form(String name) {
        return Optional.ofNullable(form.get(name)).filter(v -> !v.isEmpty());
    }

    /** Returns the header {@code name}, if present. */
    public Optional<String> header(CharSequence name) {
        return Optional.ofNullable(headers.get(name));
    }

    /**
     * Returns {@code ":port"} of the Host the browser used, or empty for none or 443: the edge's pages
     * and web apps share one listener, so links to an app use the port the edge was reached on.
     */
    public String portSuffix() {
        String host = headers.get("Host", "");
        int colon = host.lastIndexOf(':');
        if (colon < 0 || host.endsWith("]")) {
            return "";
        }
        String p = host.substring(colon + 1);
        return !p.isEmpty() && p.chars().allMatch(Character::isDigit) && !p.equals("443") ? ":" + p : "";
    }

    /** Returns whether this is a GET (or HEAD) request. */
    public boolean isGet() {
        return method.equals("GET") || method.equals("HEAD");
    }

    /** Returns whether this is a POST request. */
    public boolean isPost() {
        return method.equals("POST");
    }
}
