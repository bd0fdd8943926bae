package dev.portless.connector.edge.oauth;

import dev.portless.common.json.Json;
import dev.portless.connector.edge.pages.WebResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OAuth error answers of the token and device endpoints (RFC 6749 §5.2, RFC 8628 §3.5):
 * JSON with {@code error} and a one-sentence {@code error_description}, never cached.
 */
final class OAuthErrors {
    private OAuthErrors() {}

    static WebResponse json(String error, String description) {
        int status = error.equals("invalid_client") ? 401 : 400;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return noStore(WebResponse.json(status, Json.write(body)));
    }

    static WebResponse noStore(WebResponse r) {
        return r.withHeader("Cache-Control", "no-store").withHeader("Pragma", "no-cache");
    }
}
