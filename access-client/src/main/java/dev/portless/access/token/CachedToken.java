package dev.portless.access.token;

import static java.util.Objects.requireNonNull;

import dev.portless.common.json.Json;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One app token in the cache, with the edge and app it belongs to.
 *
 * @param edge      the edge URL, e.g. {@code https://edge.example.com}
 * @param app       the app hostname
 * @param token     the JWT, never logged
 * @param expiresAt when the token stops working, by this machine's clock
 * @param identity  who signed in (e-mail, else subject), for {@code access status}
 */
public record CachedToken(String edge, String app, String token, Instant expiresAt, String identity) {
    /**
     * How long before expiry a token counts as expired: covers clock skew between this machine and
     * the edge, and the time a connection takes to reach the connector, which checks it again.
     */
    public static final Duration SKEW = Duration.ofSeconds(30);

    /** Returns a cached token. */
    public CachedToken {
        requireNonNull(edge, "edge");
        requireNonNull(app, "app");
        requireNonNull(token, "token");
        requireNonNull(expiresAt, "expiresAt");
        requireNonNull(identity, "identity");
    }

    /** Returns whether the token still has more than {@link #SKEW} to live at {@code now}. */
    public boolean isFresh(Instant now) {
        return now.plus(SKEW).isBefore(expiresAt);
    }

    /** Returns the time left at {@code now}, zero once expired. */
    public Duration timeLeft(Instant now) {
        Duration d = Duration.between(now, expiresAt);
        return d.isNegative() ? Duration.ZERO : d;
    }

    String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("edge", edge);
        m.put("app", app);
        m.put("identity", identity);
        m.put("expires_at", expiresAt.getEpochSecond());
        m.put("access_token", token);
        return Json.write(m);
    }

    static CachedToken fromJson(String json) throws ParseException {
        Map<String, Object> m = Json.readObject(json);
        String edge = Json.string(m, "edge");
        String app = Json.string(m, "app");
        String token = Json.string(m, "access_token");
        Object expiresAt = m.get("expires_at");
        if (edge == null || app == null || token == null || !(expiresAt instanceof Number)) {
            throw new ParseException("missing edge, app, access_token or expires_at", 0);
        }
        String identity = Json.string(m, "identity");
        return new CachedToken(
                edge,
                app,
                token,
                Instant.ofEpochSecond(((Number) expiresAt).longValue()),
                identity == null ? "" : identity);
    }

    @Override
    public String toString() {
        return "CachedToken[edge=" + edge + ", app=" + app + ", identity=" + identity + ", expiresAt=" + expiresAt
                + "]";
    }
}
