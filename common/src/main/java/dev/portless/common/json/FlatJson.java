package dev.portless.common.json;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The strict reader of a JSON object whose values are all strings, such as a tunnel credentials file: nested
 * values, numbers and duplicate keys are refused, so a damaged file never half-parses. It reads jackson-core's
 * token stream and turns every failure into a sentence of its own with the character where it happened; a
 * parser's message could quote the file, and the file holds a secret.
 */
public final class FlatJson {

    /** What the parser was asked for when it failed, which decides the sentence. */
    private enum Expected {
        OPEN,
        FIRST_KEY,
        NEXT_KEY,
        VALUE,
        STRING
    }

    private final String text;
    private final JsonParser parser;
    private Expected expected = Expected.OPEN;
    /** Where the text the parser is reading starts: a string's quote, or the end of the token before. */
    private int from;
    /** The key whose value is being read, and where its quote is. */
    private String key = "";

    private int keyAt;

    private FlatJson(String text, JsonParser parser) {
        this.text = text;
        this.parser = parser;
        // Duplicates are found here, to name the key and where it starts.
        parser.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /**
     * Returns the members of the object {@code text}, in order.
     *
     * @throws IllegalArgumentException naming what was expected and where; never echoing values
     */
    public static Map<String, String> parse(String text) {
        requireNonNull(text, "text");
        try (JsonParser parser = Json.FACTORY.createParser(text)) {
            return new FlatJson(text, parser).object();
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
    }

    private Map<String, String> object() throws IOException {
        final JsonToken open = next(Expected.OPEN);
        if (open == null) {
            throw problem("expected '{' but the text ended", text.length());
        }
        if (open != JsonToken.START_OBJECT) {
            throw problem("expected '{'", tokenStart());
        }
        final Map<String, String> members = new LinkedHashMap<>();
        for (JsonToken token = next(Expected.FIRST_KEY);
                token != JsonToken.END_OBJECT;
                token = next(Expected.NEXT_KEY)) {
            key = parser.currentName();
            keyAt = tokenStart();
            if (next(Expected.VALUE) != JsonToken.VALUE_STRING) {
                throw problem("expected a string value for \"" + key + "\"", tokenStart());
            }
            if (members.put(key, string()) != null) {
                throw new IllegalArgumentException("key \"" + key + "\" appears twice, at character " + (keyAt + 1));
            }
        }
        final int after = skipWhitespace((int) parser.currentLocation().getCharOffset());
        if (after != text.length()) {
            throw problem("unexpected text after the closing '}'", after);
        }
        return members;
    }

    private JsonToken next(Expected what) throws IOException {
        expected = what;
        from = (int) parser.currentLocation().getCharOffset();
        try {
            return parser.nextToken();
        } catch (JsonProcessingException e) {
            throw refused(Json.offset(e.getLocation(), text));
        }
    }

    private String string() throws IOException {
        expected = Expected.STRING;
        from = tokenStart();
        try {
            return parser.getText();
        } catch (JsonProcessingException e) {
            throw refused(Json.offset(e.getLocation(), text));
        }
    }

    /** Returns the sentence for a parser failure at {@code at}, from what was expected there. */
    private IllegalArgumentException refused(int at) throws IOException {
        final boolean ended = at >= text.length();
        switch (expected) {
            case OPEN:
                return problem(ended ? "expected '{' but the text ended" : "expected '{'", at);
            case VALUE:
                return afterKey(endOfString(keyAt), at);
            case STRING:
                return stringProblem(from, at);
            default:
                int start = skipWhitespace(from);
                if (expected == Expected.NEXT_KEY) {
                    if (start >= text.length() || text.charAt(start) != ',') {
                        return problem(
                                start >= text.length() ? "expected '}' but the text ended" : "expected '}'", start);
                    }
                    start = skipWhitespace(start + 1);
                }
                if (start < text.length() && text.charAt(start) == '"' && at > start) {
                    // The parser reads a key and its colon in one step.
                    final int end = endOfString(start);
                    if (at < end) {
                        return stringProblem(start, at);
                    }
                    key = parser.currentName();
                    return afterKey(end, at);
                }
                return problem(start >= text.length() ? "expected '\"' but the text ended" : "expected '\"'", start);
        }
    }

    /** Returns the sentence for a string starting at {@code quote} that the parser refused at {@code at}. */
    private IllegalArgumentException stringProblem(int quote, int at) {
        int escape = -1;
        for (int i = quote + 1; i < at; i++) {
            if (text.charAt(i) == '\\') {
                escape = i++;
            }
        }
        final boolean unicode = escape >= 0 && escape + 1 < text.length() && text.charAt(escape + 1) == 'u';
        final boolean inEscape = escape >= 0 && at - escape <= (unicode ? 5 : 1);
        if (at >= text.length()) {
            return inEscape && unicode ? problem("incomplete \\u escape", escape) : problem("unterminated string", at);
        }
        final char c = text.charAt(at);
        if (c < 0x20) {
            return problem("control character in a string", at);
        }
        if (inEscape) {
            return unicode ? problem("invalid \\u escape", escape) : problem("invalid escape '\\" + c + "'", escape);
        }
        return problem("unterminated string", at);
    }

    /** Returns the sentence for a failure at {@code at} after the key that ends before {@code end}. */
    private IllegalArgumentException afterKey(int end, int at) {
        final int colon = skipWhitespace(end);
        if (colon >= text.length() || text.charAt(colon) != ':') {
            return problem(colon >= text.length() ? "expected ':' but the text ended" : "expected ':'", colon);
        }
        final int value = skipWhitespace(colon + 1);
        return at > value && text.charAt(value) == '"'
                ? stringProblem(value, at)
                : problem("expected a string value for \"" + key + "\"", value);
    }

    private int tokenStart() {
        return (int) parser.currentTokenLocation().getCharOffset();
    }

    /** Returns the index after the string that starts at {@code quote}, which the parser has already read. */
    private int endOfString(int quote) {
        int i = quote + 1;
        while (i < text.length() && text.charAt(i) != '"') {
            i += text.charAt(i) == '\\' ? 2 : 1;
        }
        return i + 1;
    }

    private int skipWhitespace(int at) {
        int i = at;
        while (i < text.length() && " \t\n\r".indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        return i;
    }

    private static IllegalArgumentException problem(String what, int at) {
        return new IllegalArgumentException(what + " at character " + (at + 1));
    }
}
