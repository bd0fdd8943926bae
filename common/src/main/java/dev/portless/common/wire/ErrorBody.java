package dev.portless.common.wire;

/**
 * Returns the JSON body of an edge error, {@code {"error":"code","message":"sentence"}}.
 *
 * <p>Written by hand because it is two string fields; the client reads it with a JSON parser.
 */
public final class ErrorBody {
    private ErrorBody() {
    }

    /** Returns the JSON text for an error code and its sentence. */
    public static String json(String code, String message) {
        return "{\"error\":" + quote(code) + ",\"message\":" + quote(message) + "}";
    }

    static String quote(String s) {
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
                    if (c < 0x20) {
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
