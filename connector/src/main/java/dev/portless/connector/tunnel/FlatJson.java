package dev.portless.connector.tunnel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes a JSON object whose values are all strings, such as a tunnel credentials file, and nothing
 * else: nested values, numbers and duplicate keys are refused, so a damaged file never half-parses.
 */
final class FlatJson {

    private final String text;
    private int pos;

    private FlatJson(String text) {
        this.text = text;
    }

    /**
     * Returns the members of the object {@code text}, in order.
     *
     * @throws IllegalArgumentException naming what was expected and where; never echoing values
     */
    static Map<String, String> parse(String text) {
        return new FlatJson(text).object();
    }

    /** Returns {@code members} as a one-line JSON object. */
    static String write(Map<String, String> members) {
        final StringBuilder buf = new StringBuilder("{");
        for (Map.Entry<String, String> member : members.entrySet()) {
            if (buf.length() > 1) {
                buf.append(',');
            }
            quote(buf, member.getKey()).append(':');
            quote(buf, member.getValue());
        }
        return buf.append('}').toString();
    }

    private Map<String, String> object() {
        final Map<String, String> members = new LinkedHashMap<>();
        skipWhitespace();
        expect('{');
        skipWhitespace();
        if (peek() == '}') {
            pos++;
        } else {
            while (true) {
                skipWhitespace();
                final int keyAt = pos;
                final String key = string();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                if (peek() != '"') {
                    throw problem("expected a string value for \"" + key + "\"");
                }
                if (members.put(key, string()) != null) {
                    throw new IllegalArgumentException(
                            "key \"" + key + "\" appears twice, at character " + (keyAt + 1));
                }
                skipWhitespace();
                if (peek() == ',') {
                    pos++;
                    continue;
                }
                expect('}');
                break;
            }
        }
        skipWhitespace();
        if (pos != text.length()) {
            throw problem("unexpected text after the closing '}'");
        }
        return members;
    }

    private String string() {
        expect('"');
        final StringBuilder buf = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw problem("unterminated string");
            }
            final char c = text.charAt(pos++);
            if (c == '"') {
                return buf.toString();
            }
            if (c < 0x20) {
                pos--;
                throw problem("control character in a string");
            }
            if (c != '\\') {
                buf.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw problem("unterminated string");
            }
            final int escapeAt = pos - 1;
            final char escaped = text.charAt(pos++);
            switch (escaped) {
                case '"', '\\', '/' -> buf.append(escaped);
                case 'b' -> buf.append('\b');
                case 'f' -> buf.append('\f');
                case 'n' -> buf.append('\n');
                case 'r' -> buf.append('\r');
                case 't' -> buf.append('\t');
                case 'u' -> buf.append(unicodeEscape(escapeAt));
                default -> {
                    pos = escapeAt;
                    throw problem("invalid escape '\\" + escaped + "'");
                }
            }
        }
    }

    private char unicodeEscape(int escapeAt) {
        if (pos + 4 > text.length()) {
            pos = escapeAt;
            throw problem("incomplete \\u escape");
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
            final int digit = Character.digit(text.charAt(pos + i), 16);
            if (digit < 0) {
                pos = escapeAt;
                throw problem("invalid \\u escape");
            }
            value = value * 16 + digit;
        }
        pos += 4;
        return (char) value;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw problem(pos >= text.length() ? "expected '" + c + "' but the text ended"
                                               : "expected '" + c + '\'');
        }
        pos++;
    }

    private int peek() {
        return pos < text.length() ? text.charAt(pos) : -1;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            final char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private IllegalArgumentException problem(String what) {
        return new IllegalArgumentException(what + " at character " + (pos + 1));
    }

    private static StringBuilder quote(StringBuilder buf, String value) {
        buf.append('"');
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                buf.append('\\').append(c);
            } else if (c < 0x20) {
                buf.append(String.format("\\u%04x", (int) c));
            } else {
                buf.append(c);
            }
        }
        return buf.append('"');
    }
}
