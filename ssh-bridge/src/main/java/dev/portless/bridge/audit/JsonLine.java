package dev.portless.bridge.audit;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Returns one flat JSON object on one line, built field by field in a fixed order, for the audit log.
 * Strings are escaped so that no value can break out of its field or its line.
 */
final class JsonLine {

    private final StringBuilder buf = new StringBuilder(256).append('{');

    JsonLine put(String name, String value) {
        key(name);
        if (value == null) {
            buf.append("null");
        } else {
            string(value);
        }
        return this;
    }

    JsonLine put(String name, long value) {
        key(name);
        buf.append(value);
        return this;
    }

    JsonLine put(String name, List<String> values) {
        key(name);
        buf.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                buf.append(',');
            }
            string(values.get(i));
        }
        buf.append(']');
        return this;
    }

    @Override
    public String toString() {
        return buf + "}";
    }

    private void key(String name) {
        if (buf.length() > 1) {
            buf.append(',');
        }
        string(requireNonNull(name, "name"));
        buf.append(':');
    }

    private void string(String value) {
        buf.append('"');
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            switch (c) {
                case '"':
                    buf.append("\\\"");
                    break;
                case '\\':
                    buf.append("\\\\");
                    break;
                case '\n':
                    buf.append("\\n");
                    break;
                case '\r':
                    buf.append("\\r");
                    break;
                case '\t':
                    buf.append("\\t");
                    break;
                default:
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        buf.append(String.format("\\u%04x", (int) c));
                    } else {
                        buf.append(c);
                    }
            }
        }
        buf.append('"');
    }
}
