package dev.portless.connector.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A scripted browser for the edge's pages: it keeps the session cookie, follows redirects on
 * the edge only when asked, and reads the CSRF token and PIN the way a person would see them.
 */
final class HttpBrowser {
    static final String COOKIE = "__Host-portless-session";
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern PIN = Pattern.compile("code is (\\d{6})");

    private final InProcessStack stack;
    private String session;
    private final List<String> setCookies = new ArrayList<>();

    HttpBrowser(InProcessStack stack) {
        this.stack = stack;
    }

    HttpResponse<String> get(String path) {
        return remember(stack.get(path, headers()));
    }

    HttpResponse<String> post(String path, Map<String, String> form) {
        return remember(stack.post(path, form, headers()));
    }

    /** Returns the session id the browser holds now. */
    String session() {
        return session;
    }

    /** Replaces the session cookie, e.g. with an old one. */
    void session(String id) {
        session = id;
    }

    /** Returns every Set-Cookie value seen. */
    List<String> setCookies() {
        return setCookies;
    }

    /** Returns the CSRF token of a page. */
    static String csrf(HttpResponse<String> page) {
        Matcher m = CSRF.matcher(page.body());
        assertTrue(m.find(), "no csrf field in " + page.body());
        return m.group(1);
    }

    /**
     * Signs in {@code email} with an e-mail PIN from the outbox, starting at {@code /signin?return=...}, and
     * returns the final redirect's Location.
     */
    String signInWithPin(String email, String returnTo) {
        HttpResponse<String> page = get("/signin?return=" + enc(returnTo));
        assertEquals(200, page.statusCode(), page.body());
        HttpResponse<String> sent = post("/signin/pin", Map.of("csrf", csrf(page), "email", email, "return", returnTo));
        assertEquals(303, sent.statusCode(), sent.body());
        HttpResponse<String> entry = get("/signin/pin/code");
        HttpResponse<String> done = post("/signin/pin/code", Map.of("csrf", csrf(entry), "pin", pinFor(email)));
        assertEquals(303, done.statusCode(), done.body());
        return done.headers().firstValue("Location").orElseThrow();
    }

    /** Returns the newest PIN mailed to {@code email}. */
    String pinFor(String email) {
        Path outbox = stack.dir().resolve("outbox");
        try (Stream<Path> files = Files.list(outbox)) {
            for (Path f : files.sorted(Comparator.comparing(Path::getFileName).reversed())
                    .toList()) {
                String text = Files.readString(f);
                if (text.contains("To: " + email + "\r\n")) {
                    Matcher m = PIN.matcher(text);
                    assertTrue(m.find(), text);
                    return m.group(1);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("no PIN for " + email + " in " + outbox);
    }

    private String[] headers() {
        return session == null ? new String[0] : new String[] {"Cookie", COOKIE + "=" + session};
    }

    private HttpResponse<String> remember(HttpResponse<String> r) {
        for (String c : r.headers().allValues("Set-Cookie")) {
            setCookies.add(c);
            if (c.startsWith(COOKIE + "=")) {
                String value = c.substring(COOKIE.length() + 1, c.indexOf(';'));
                session = value.isEmpty() ? null : value;
            }
        }
        return r;
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    static Optional<String> location(HttpResponse<String> r) {
        return r.headers().firstValue("Location");
    }
}
