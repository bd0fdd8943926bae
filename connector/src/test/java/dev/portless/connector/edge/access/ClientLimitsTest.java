package dev.portless.connector.edge.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClientLimitsTest {
    private final AtomicLong now = new AtomicLong();
    private final RefusalLog refusals = new RefusalLog(now::get);
    private final ClientLimits limits =
            new ClientLimits(ClientAbuseLimitsTest.with("streamOpensPerClient", 2), refusals);
    private final InetAddress client = InetAddress.getLoopbackAddress();

    @Test
    void streamOpensFromOneAddressAreBoundedAndFreedWhenTheyEnd() {
        assertTrue(limits.openStarted(client));
        assertTrue(limits.openStarted(client));
        assertFalse(limits.openStarted(client));
        limits.openEnded(client);
        assertTrue(limits.openStarted(client));
    }

    @Test
    void refusalsAreLoggedAtMostOnceASecondPerAddressAndCountedMeanwhile() {
        limits.openStarted(client);
        limits.openStarted(client);
        for (int i = 0; i < 5; i++) {
            assertFalse(limits.openStarted(client));
        }
        // The first refusal was logged at once; the four after it wait for the next line.
        assertEquals(4, refusals.pending("stream opens", client.getHostAddress()));
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        assertFalse(limits.openStarted(client));
        assertEquals(0, refusals.pending("stream opens", client.getHostAddress()));
    }

    @Test
    void anIdentitysStreamsAreCountedApartFromAnothers() {
        ClientLimits one = new ClientLimits(ClientAbuseLimitsTest.with("streamsPerIdentity", 1), refusals);
        assertTrue(one.streamOpened("alice@example.com"));
        assertTrue(one.streamOpened("service-token:ci"));
        assertFalse(one.streamOpened("alice@example.com"));
        one.streamClosed("alice@example.com");
        assertTrue(one.streamOpened("alice@example.com"));
    }

    @Test
    void anIdentitysWebRequestsAreCountedApartFromItsStreamsAndFromAnothers() {
        ClientLimits one = new ClientLimits(ClientAbuseLimitsTest.with("webRequestsPerIdentity", 1), refusals);
        assertTrue(one.identityRequestStarted("alice@example.com"));
        assertTrue(one.identityRequestStarted("service-token:ci"));
        assertTrue(one.streamOpened("alice@example.com"));
        assertFalse(one.identityRequestStarted("alice@example.com"));
        // The first refusal is logged at once, the next within the second waits for the next line.
        assertFalse(one.identityRequestStarted("alice@example.com"));
        assertEquals(1, refusals.pending("web requests", "alice@example.com"));
        one.identityRequestEnded("alice@example.com");
        assertTrue(one.identityRequestStarted("alice@example.com"));
    }
}
