package dev.portless.connector.edge.web;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The cookies the edge sets on a web app's hostname: the app token ({@value #APP}) and the
 * sign-in state ({@value #STATE}). Both carry the {@code __Host-} prefix, so browsers insist on
 * Secure, Path=/ and no Domain: a neighbouring host cannot plant or read them.
 */
public final class AppCookies {
    /** The app token of a signed-in browser, on the app's hostname. */
    public static final String APP = "__Host-portless-app";
    /** The sign-in state a browser must bring back to the app's callback. */
    public static final String STATE = "__Host-portless-state";
    /** The edge's browser session, on the issuer's hostname. */
    public static final String SESSION = "__Host-portless-session";

    private static final Set<String> OWN = Set.of(APP, STATE, SESSION);
    private static final String FLAGS = "; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=";

    private AppCookies() {}

    /** Returns the Set-Cookie value that stores {@code token} for {@code maxAgeSeconds}. */
    public static String app(String token, long maxAgeSeconds) {
        return APP + "=" + requireNonNull(token, "token") + FLAGS + Math.max(0, maxAgeSeconds);
    }

    /** Returns the Set-Cookie value that removes the app token. */
    public static String clearedApp() {
        return APP + "=" + FLAGS + 0;
    }

    /** Returns the Set-Cookie value that stores the sign-in {@code state} for {@code maxAgeSeconds}. */
    public static String state(String state, long maxAgeSeconds) {
        return STATE + "=" + requireNonNull(state, "state") + FLAGS + Math.max(0, maxAgeSeconds);
    }

    /** Returns the Set-Cookie value that removes the sign-in state. */
    public static String clearedState() {
        return STATE + "=" + FLAGS + 0;
    }

    /** Returns the value of cookie {@code name} in the {@code Cookie} header values, the first one if repeated. */
    public static Optional<String> find(List<String> cookieHeaders, String name) {
        for (String header : cookieHeaders) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                    String value = pair.substring(eq + 1).trim();
                    return value.isEmpty() ? Optional.empty() : Optional.of(value);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the {@code Cookie} header without the edge's own cookies, which never reach an origin;
     * empty when nothing is left.
     */
    public static Optional<String> withoutOwn(String cookieHeader) {
        List<String> kept = new ArrayList<>();
        for (String pair : cookieHeader.split(";")) {
            String p = pair.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String name = eq < 0 ? p : p.substring(0, eq).trim();
            if (!OWN.contains(name) && !name.toLowerCase(Locale.ROOT).startsWith("__host-portless-")) {
                kept.add(p);
            }
        }
        return kept.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", kept));
    }
}
