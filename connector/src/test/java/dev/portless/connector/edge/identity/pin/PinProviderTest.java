package dev.portless.connector.edge.identity.pin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.portless.connector.edge.config.EdgeLimits;
import dev.portless.connector.edge.identity.session.BrowserSessions;
import dev.portless.connector.edge.store.EdgeStore;
import dev.portless.connector.edge.store.InMemoryEdgeStore;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PIN provider's mail limits, counted in the store so edges sharing one add up their mails. */
class PinProviderTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final String REFUSED = "Too many codes were requested; wait a few minutes, then try again.";

    @TempDir
    Path outbox;

    @Test
    void mailsToOneAddressFromTwoEdgesSharingAStoreAddUpToOneLimit() throws IOException {
        EdgeStore shared = new InMemoryEdgeStore(CLOCK);
        Edge a = new Edge(shared);
        Edge b = new Edge(shared);
        int perEmail = EdgeLimits.DEFAULTS.pinMailsPerEmail().events();
        for (int i = 0; i < perEmail; i++) {
            assertNull((i % 2 == 0 ? a : b).send("carol@example.com"), "mail " + (i + 1));
        }
        assertEquals(REFUSED, a.send("carol@example.com"));
        assertEquals(REFUSED, b.send("Carol@Example.com"), "addresses are counted case-blind");
        assertNull(a.send("dave@example.com"), "another address has its own budget");
    }

    @Test
    void edgesWithTheirOwnStoresCountApart() throws IOException {
        Edge a = new Edge(new InMemoryEdgeStore(CLOCK));
        Edge b = new Edge(new InMemoryEdgeStore(CLOCK));
        int perEmail = EdgeLimits.DEFAULTS.pinMailsPerEmail().events();
        for (int i = 0; i < perEmail; i++) {
            assertNull(a.send("erin@example.com"));
        }
        assertEquals(REFUSED, a.send("erin@example.com"));
        assertNull(b.send("erin@example.com"));
    }

    /** One edge's PIN provider and browser sessions; each mail comes from a new browser. */
    private final class Edge {
        private final PinProvider provider;
        private final BrowserSessions sessions;

        Edge(EdgeStore store) throws IOException {
            this.sessions = new BrowserSessions(Duration.ofHours(1), CLOCK, store);
            this.provider = new PinProvider(
                    "pin", "E-mail", new OutboxMailer(outbox, "edge@example.com"), EdgeLimits.DEFAULTS, store, CLOCK);
        }

        String send(String email) {
            return provider.send(sessions.startAnonymous(), email, "/", InetAddress.getLoopbackAddress());
        }
    }
}
