package dev.portless.common.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlatJsonTest {

    private static String refused(String json) {
        return assertThrows(IllegalArgumentException.class, () -> FlatJson.parse(json))
                .getMessage();
    }

    @Test
    void parsesAFlatObjectOfStrings() {
        assertEquals(
                Map.of("a", "1", "b", "x\"y\\z/\n\u00e9"),
                FlatJson.parse(" {\n \"a\" : \"1\",\t\"b\":\"x\\\"y\\\\z\\/\\n\\u00e9\" }\r\n"));
        assertEquals(Map.of(), FlatJson.parse("{}"));
    }

    @Test
    void writesWhatItParses() {
        final Map<String, String> members = new LinkedHashMap<>();
        members.put("TunnelID", "id");
        members.put("Odd", "q\"b\\c\u0001");
        final String json = Json.write(members);
        assertEquals("{\"TunnelID\":\"id\",\"Odd\":\"q\\\"b\\\\c\\u0001\"}", json);
        assertEquals(members, FlatJson.parse(json));
    }

    @Test
    void refusesAnythingElse() {
        assertEquals("expected '{' at character 1", refused("[]"));
        assertEquals("expected '{' but the text ended at character 1", refused(""));
        assertEquals("expected a string value for \"a\" at character 6", refused("{\"a\":1}"));
        assertEquals("expected a string value for \"a\" at character 6", refused("{\"a\":{}}"));
        assertEquals("key \"a\" appears twice, at character 10", refused("{\"a\":\"1\",\"a\":\"2\"}"));
        assertEquals("unexpected text after the closing '}' at character 3", refused("{}x"));
        assertEquals("expected '}' at character 9", refused("{\"a\":\"1\"\"b\":\"2\"}"));
        assertEquals("expected '\"' at character 10", refused("{\"a\":\"1\",}"));
        assertEquals("unterminated string at character 10", refused("{\"a\":\"123"));
        assertEquals("control character in a string at character 8", refused("{\"a\":\"1\n\"}"));
        assertEquals("invalid escape '\\x' at character 8", refused("{\"a\":\"1\\x\"}"));
        assertEquals("invalid \\u escape at character 8", refused("{\"a\":\"1\\u00g0\"}"));
        assertEquals("incomplete \\u escape at character 8", refused("{\"a\":\"1\\u00"));
        assertEquals("expected ':' at character 6", refused("{\"a\" \"b\"}"));
        assertEquals("expected a string value for \"a\" at character 6", refused("{\"a\":x}"));
        assertEquals("expected '\"' but the text ended at character 2", refused("{"));
        assertEquals("expected '}' but the text ended at character 9", refused("{\"a\":\"1\""));
        assertEquals("unterminated string at character 8", refused("{\"a\":\"\\"));
        assertEquals("invalid escape '\\x' at character 3", refused("{\"\\x\":\"1\"}"));
    }
}
