package dev.portless.connector.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The pool's own keep-alive timeout, checked lazily: idle time counts from a connection's last release. The
 * timeout is long enough that a busy machine's late wake-up (up to half a second) does not change the outcome.
 */
class OriginPoolTest {
    private static final Duration TIMEOUT = Duration.ofMillis(1_500);

    private final OriginPool pool = new OriginPool(4, TIMEOUT);
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final OriginConnection connection = new OriginConnection(channel, pool);

    @Test
    void aConnectionIdleForTheTimeoutIsClosed() throws Exception {
        pool.release(connection);
        assertEquals(1, pool.idle());
        pastTimeout(1);
        assertFalse(channel.isOpen());
        assertEquals(0, pool.idle());
    }

    @Test
    void aConnectionUsedAgainCountsItsIdleTimeFromItsLastRelease() throws Exception {
        pool.release(connection);
        Thread.sleep(TIMEOUT.toMillis() * 2 / 3);
        assertSame(connection, pool.take(channel.eventLoop()));
        pool.release(connection);
        Thread.sleep(TIMEOUT.toMillis() * 2 / 3);
        channel.runScheduledPendingTasks(); // the first check: idle for less than the timeout since the release
        assertTrue(channel.isOpen());
        assertEquals(1, pool.idle());
        pastTimeout(1);
        assertFalse(channel.isOpen());
    }

    @Test
    void aConnectionInUseAtItsCheckIsCheckedAgainAfterItsNextRelease() throws Exception {
        pool.release(connection);
        assertSame(connection, pool.take(channel.eventLoop()));
        pastTimeout(1);
        assertTrue(channel.isOpen(), "a connection in use is never closed for idling");
        pool.release(connection);
        assertEquals(1, pool.idle());
        pastTimeout(1);
        assertFalse(channel.isOpen());
        assertEquals(0, pool.idle());
    }

    /** Waits {@code times} timeouts and a little more, and runs the checks that have come due. */
    private void pastTimeout(int times) throws InterruptedException {
        Thread.sleep(TIMEOUT.toMillis() * times + 100);
        channel.runScheduledPendingTasks();
    }
}
