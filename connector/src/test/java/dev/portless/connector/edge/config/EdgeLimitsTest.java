package dev.portless.connector.edge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portless.connector.edge.config.EdgeLimits.RateLimit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EdgeLimitsTest {

    @Test
    void theDefaultsAreTheLimitsTheEdgeHasAlwaysHad() {
        EdgeLimits d = EdgeLimits.DEFAULTS;
        assertEquals(Duration.ofSeconds(10), d.tlsHandshakeTimeout());
        assertEquals(Duration.ofSeconds(30), d.requestTimeout());
        assertEquals(64 * 1024, d.maxRequestBytes());
        assertEquals(Duration.ofSeconds(310), d.streamOpenTimeout());
        assertEquals(new RateLimit(60, Duration.ofMinutes(1)), d.pinMailsPerEdge());
        assertEquals(Duration.ofSeconds(60), d.authorizationCodeLifetime());
        assertEquals(Duration.ofMinutes(10), d.deviceCodeLifetime());
    }

    @Test
    void aCountBelowOneIsRefusedWithItsName() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new RateLimit(0, Duration.ofMinutes(1)));
        assertEquals("events: 0 (expected: >= 1)", e.getMessage());
    }
}
