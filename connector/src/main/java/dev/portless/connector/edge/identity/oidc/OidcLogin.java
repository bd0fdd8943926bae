package dev.portless.connector.edge.identity.oidc;

import dev.portless.common.json.Json;
import java.text.ParseException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An upstream sign-in in progress, kept in the edge's store until the provider sends the browser back (to this
 * edge or another): the values that bind its answer to this browser and this request.
 *
 * @param provider  the provider's name
 * @param state     the random {@code state} sent to the provider
 * @param nonce     the random {@code nonce} the ID token must carry
 * @param verifier  the PKCE code verifier
 * @param returnTo  where the browser goes once signed in
 * @param startedAt when the sign-in began
 */
record OidcLogin(String provider, String state, String nonce, String verifier, String returnTo, Instant startedAt) {

    /** Returns this login as the store keeps it. */
    String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("provider", provider);
        m.put("state", state);
        m.put("nonce", nonce);
        m.put("verifier", verifier);
        m.put("return_to", returnTo);
        m.put("started_at", startedAt.toString());
        return Json.write(m);
    }

    /** Returns the login the store kept as {@code json}. */
    static OidcLogin parse(String json) {
        try {
            Map<String, Object> m = Json.readObject(json);
            return new OidcLogin(
                    Json.string(m, "provider"),
                    Json.string(m, "state"),
                    Json.string(m, "nonce"),
                    Json.string(m, "verifier"),
                    Json.string(m, "return_to"),
                    Instant.parse(Json.string(m, "started_at")));
        } catch (ParseException | RuntimeException e) {
            throw new IllegalStateException("a stored OIDC login is not valid: " + e.getMessage(), e);
        }
    }
}
