package dev.portless.common.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentTest {
    @Test
    void emptyVariablesAreUnset() {
        Map<String, String> env = new HashMap<>();
        env.put("PORTLESS_EDGE_CA", "");
        env.put("PORTLESS_EDGE", "https://edge.example.com");
        env.put("PORTLESS_SERVICE_TOKEN_SECRET_FILE", "");
        Map<String, String> read = Environment.withoutEmpty(env);
        assertEquals(Map.of("PORTLESS_EDGE", "https://edge.example.com"), read);
        assertFalse(read.containsKey("PORTLESS_EDGE_CA"));
    }

    @Test
    void theProcessEnvironmentHasNoEmptyValue() {
        assertFalse(Environment.system().containsValue(""));
        // PATH is set in every environment these tests run in.
        assertEquals(System.getenv("PATH"), Environment.variable("PATH").orElseThrow());
    }
}
