package dev.portless.common.wire;

import java.util.Map;

/**
 * Returns the JSON body of an edge error, {@code {"error":"code","message":"sentence"}}, with optional
 * extra string members such as {@code issuer} and {@code login_url} on a 401.
 *
 * <p>Written by hand because it is a few string fields; the client reads it with a JSON parser.
 */
public final class ErrorBody {
    /** Member of a 401 body: the edge's issuer URL, where the CLI discovers how to sign in. */
    public static final String ISSUER = "issuer";
    /** Member of a 401 body: the edge's authorization endpoint. */
    public static final String LOGIN_URL = "login_url";

    private ErrorBody() {
    }

    /** Returns the JSON text for an error code and its sentence. */
    public static String json(String code, String message) {
        return json(code, message, Map.of());
    }

    /** Returns the JSON text for an error code, its sentence and extra string members in the map's order. */
    public static String json(String code, String message, Map<String, String> extra) {
        StringBuilder b = new StringBuilder("{\"error\":").append(quote(code))
                .append(",\"message\":").append(quote(message));
        extra.forEach((k, v) -> b.append(',').append(quote(k)).append(':').append(quote(v)));
        return b.append('}').toString();
    }

    /** Returns {@code s} as a JSON string literal. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
