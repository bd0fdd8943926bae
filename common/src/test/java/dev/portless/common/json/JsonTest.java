package dev.portless.common.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.text.ParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    private static String refused(String json) {
        return assertThrows(ParseException.class, () -> Json.readObject(json)).getMessage();
    }

    @Test
    void writesOneLineWithTheEscapesOfTheOldWriters() {
        final Map<String, Object> members = new LinkedHashMap<>();
        members.put("s", "q\"b\\c/\n\r\t\b\u0001\u2028\u2029\u00e9");
        members.put("n", 42L);
        members.put("none", null);
        members.put("list", List.of("a", "b"));
        assertEquals(
                "{\"s\":\"q\\\"b\\\\c/\\n\\r\\t\\u0008\\u0001\\u2028\\u2029\u00e9\",\"n\":42,\"none\":null,"
                        + "\"list\":[\"a\",\"b\"]}",
                Json.write(members));
    }

    @Test
    void refusesToBindBeans() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    }

    @Test
    void readsAnObjectInOrder() throws ParseException {
        final Map<String, Object> members = Json.readObject(" {\"b\":1,\"a\":[true,null],\"c\":{\"d\":\"e\"}}\n");
        assertEquals(List.of("b", "a", "c"), List.copyOf(members.keySet()));
        assertEquals(1L, ((Number) members.get("b")).longValue());
        assertEquals(Arrays.asList(true, null), members.get("a"));
        assertEquals(Map.of("d", "e"), members.get("c"));
    }

    @Test
    void refusesWhatIsNotOneObjectWithoutQuotingIt() {
        assertEquals("expected a JSON object at character 1", refused(""));
        assertEquals("expected a JSON object at character 1", refused("[\"secret\"]"));
        assertEquals("not a valid JSON object at character 11", refused("{\"a\":1,\"a\":2}"));
        assertEquals("unexpected text after the closing '}' at character 4", refused("{} {}"));
        assertEquals("not a valid JSON object at character 13", refused("{\"a\":\"secret"));
    }

    @Test
    void readsStringAndUriMembers() throws ParseException {
        final Map<String, Object> members = Json.readObject("{\"s\":\"https://edge.example\",\"n\":1,\"u\":\"a b\"}");
        assertEquals("https://edge.example", Json.string(members, "s"));
        assertEquals(URI.create("https://edge.example"), Json.uri(members, "s"));
        assertNull(Json.string(members, "absent"));
        assertEquals(
                "n is not a string",
                assertThrows(ParseException.class, () -> Json.string(members, "n"))
                        .getMessage());
        assertEquals(
                "u is not a URI",
                assertThrows(ParseException.class, () -> Json.uri(members, "u")).getMessage());
    }
}
