package dev.portless.access.login;

import dev.portless.common.json.Json;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A successful answer of the token endpoint.
 *
 * @param accessToken the app token, never logged
 * @param expiresIn   its lifetime as the edge states it, if stated
 * @param app         the app it is for, as the edge states it, if stated
 */
record TokenResponse(String accessToken, Optional<Duration> expiresIn, Optional<String> app) {

    static TokenResponse parse(String json) throws ParseException {
        Map<String, Object> m = Json.readObject(json);
        String token = Json.string(m, "access_token");
        if (token == null || token.isBlank()) {
            throw new ParseException("access_token is missing", 0);
        }
        String type = Json.string(m, "token_type");
        if (type == null || !type.equalsIgnoreCase("Bearer")) {
            throw new ParseException("token_type: \"" + type + "\" (expected: Bearer)", 0);
        }
        Object expiresIn = m.get("expires_in");
        return new TokenResponse(
                token,
                expiresIn instanceof Number n ? Optional.of(Duration.ofSeconds(n.longValue())) : Optional.empty(),
                Optional.ofNullable(Json.string(m, "app")));
    }

    @Override
    public String toString() {
        return "TokenResponse[expiresIn=" + expiresIn + ", app=" + app + "]";
    }
}
