package dev.portless.connector.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EdgeAddressTest {

    @Test
    void parsesHostAndPort() {
        assertEquals(new EdgeAddress("edge.example.com", 7844), EdgeAddress.parse("edge.example.com:7844"));
        assertEquals(new EdgeAddress("::1", 7844), EdgeAddress.parse("[::1]:7844"));
        assertEquals("[::1]:7844", EdgeAddress.parse("[::1]:7844").toString());
        assertEquals("127.0.0.1:1", EdgeAddress.parse("127.0.0.1:1").toString());
    }

    @Test
    void refusesMissingPortAndBadValues() {
        assertEquals(
                "\"edge.example.com\" has no port (expected: host:port)",
                assertThrows(IllegalArgumentException.class, () -> EdgeAddress.parse("edge.example.com"))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EdgeAddress("", 1));
        assertThrows(IllegalArgumentException.class, () -> new EdgeAddress("a", 0));
    }
}
