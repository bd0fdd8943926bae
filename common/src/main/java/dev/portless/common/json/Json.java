package dev.portless.common.json;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.util.Map;

/**
 * The one JSON set-up for everything that is not a JWT: jackson-jr's Map and List API, without bean binding (no
 * reflection, so a native image stays possible), on a jackson-core factory that refuses duplicate keys and
 * escapes line separators, so that a written value never breaks out of its line.
 */
public final class Json {

    /** The factory every JSON reader and writer here starts from. */
    static final JsonFactory FACTORY = new JsonFactoryBuilder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .characterEscapes(new LineSafeEscapes())
            .build();

    private static final JSON MAPS = JSON.builder(FACTORY)
            .disable(JSON.Feature.HANDLE_JAVA_BEANS)
            .enable(JSON.Feature.WRITE_NULL_PROPERTIES, JSON.Feature.FAIL_ON_UNKNOWN_TYPE_WRITE)
            .build();

    private Json() {}

    /**
     * Returns {@code value} (a {@link Map}, {@link java.util.List}, string, number, boolean or null, nested) as
     * one line of JSON, members in the map's order.
     *
     * @throws IllegalArgumentException when {@code value} holds anything else
     */
    public static String write(Object value) {
        try {
            return MAPS.asString(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Returns the members of the JSON object {@code text}, in order; numbers come back as {@link Number}.
     *
     * @throws ParseException naming where the text stops being one JSON object (a duplicate key, anything after
     *                        the closing '}'), never quoting the text
     */
    public static Map<String, Object> readObject(String text) throws ParseException {
        requireNonNull(text, "text");
        try (JsonParser parser = FACTORY.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new ParseException("expected a JSON object at character 1", 0);
            }
            final Map<String, Object> members = MAPS.mapFrom(parser);
            if (parser.nextToken() != null) {
                final int at = (int) parser.currentTokenLocation().getCharOffset();
                throw new ParseException("unexpected text after the closing '}' at character " + (at + 1), at);
            }
            return members;
        } catch (JsonProcessingException e) {
            final int at = offset(e.getLocation(), text);
            throw new ParseException("not a valid JSON object at character " + (at + 1), at);
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
    }

    /**
     * Returns the string member {@code name} of {@code object}, or null when it is absent or null.
     *
     * @throws ParseException when the member is not a string
     */
    public static String string(Map<String, ?> object, String name) throws ParseException {
        final Object value = object.get(name);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new ParseException(name + " is not a string", 0);
    }

    /**
     * Returns the URI in the string member {@code name} of {@code object}, or null when it is absent or null.
     *
     * @throws ParseException when the member is not a string or not a URI
     */
    public static URI uri(Map<String, ?> object, String name) throws ParseException {
        final String value = string(object, name);
        try {
            return value == null ? null : new URI(value);
        } catch (URISyntaxException e) {
            throw new ParseException(name + " is not a URI", 0);
        }
    }

    /** Returns the character offset of {@code location} in {@code text}, the end when it is unknown. */
    static int offset(JsonLocation location, String text) {
        final long at = location == null ? -1 : location.getCharOffset();
        return at < 0 || at > text.length() ? text.length() : (int) at;
    }

    /**
     * The escapes of every JSON writer here since before this library: short forms for tab, CR and LF,
     * {@code \}{@code u00xx} (lower case) for other control characters, and the line and paragraph separators
     * escaped too, since JavaScript and some log viewers break lines at them.
     */
    private static final class LineSafeEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;

        private final int[] table = standardAsciiEscapesForJSON();

        LineSafeEscapes() {
            for (int c = 0; c < 0x20; c++) {
                if (c != '\t' && c != '\n' && c != '\r') {
                    table[c] = ESCAPE_CUSTOM;
                }
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return table;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch < 0x20 || ch == 0x2028 || ch == 0x2029
                    ? new SerializedString(String.format("\\u%04x", ch))
                    : null;
        }
    }
}
