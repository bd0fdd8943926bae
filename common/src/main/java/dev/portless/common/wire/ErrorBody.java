package dev.portless.common.wire;

import dev.portless.common.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON body of an edge error, {@code {"error":"code","message":"sentence"}}, with optional
 * extra string members such as {@code issuer} and {@code login_url} on a 401.
 */
public final class ErrorBody {
    /** Member of a 401 body: the edge's issuer URL, where the CLI discovers how to sign in. */
    public static final String ISSUER = "issuer";
    /** Member of a 401 body: the edge's authorization endpoint. */
    public static final String LOGIN_URL = "login_url";

    private ErrorBody() {}

    /** Returns the JSON text for an error code and its sentence. */
    public static String json(String code, String message) {
        return json(code, message, Map.of());
    }

    /** Returns the JSON text for an error code, its sentence and extra string members in the map's order. */
    public static String json(String code, String message, Map<String, String> extra) {
        Map<String, String> members = new LinkedHashMap<>();
        members.put("error", code);
        members.put("message", message);
        members.putAll(extra);
        return Json.write(members);
    }
}
