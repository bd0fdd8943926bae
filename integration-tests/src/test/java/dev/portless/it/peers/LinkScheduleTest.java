package dev.portless.it.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The link's arithmetic on a clock of its own: no sockets, no waiting. */
class LinkScheduleTest {
    // 1 MB/s and 10 ms each way: a byte takes 1 µs on the line; the round trip's product is 20 kB.
    private static final Link LINK = new Link(1_000_000, 10_000_000, 16 << 10, 64 << 10);

    @Test
    void aChunkArrivesAfterItsTimeOnTheLineAndThePropagationDelay() {
        LinkSchedule schedule = new LinkSchedule(LINK, 0);
        assertEquals(1_000_000 + 10_000_000, schedule.admit(0, 1000));
        // The next chunk waits for the line: its time starts when the first one's ends.
        assertEquals(2_000_000 + 10_000_000, schedule.admit(500_000, 1000));
        // An idle line sends at once.
        assertEquals(50_000_000 + 1_000_000 + 10_000_000, schedule.admit(50_000_000, 1000));
    }

    @Test
    void theEndOfTheStreamArrivesAfterTheBytesBeforeIt() {
        LinkSchedule schedule = new LinkSchedule(LINK, 0);
        long last = schedule.admit(0, 8000);
        assertEquals(last, schedule.admit(1000, 0));
    }

    @Test
    void aFullQueueAdmitsOnlyWhenTheLineHasSentEnough() {
        LinkSchedule schedule = new LinkSchedule(LINK, 0);
        int queue = LINK.queueBytes();
        schedule.admit(0, queue);
        assertEquals(queue, schedule.queuedBytes(0));
        // 4 KiB more fit once 4 KiB have gone onto the line: 4096 µs later.
        assertEquals(4096 * 1000, schedule.admissibleAt(0, 4096));
        assertEquals(7_000_000, schedule.admissibleAt(7_000_000, 4096), "never before now");
        assertEquals(0, new LinkSchedule(LINK, 0).admissibleAt(0, queue), "an empty queue takes a whole one");
    }

    @Test
    void theQueueNeverHoldsMoreThanItsBoundAndArrivalsKeepTheirOrder() {
        Link link = Link.of(125_000_000, Duration.ofMillis(25));
        LinkSchedule schedule = new LinkSchedule(link, 0);
        Random random = new Random(11);
        long now = 0;
        long lastArrival = 0;
        long sent = 0;
        for (int i = 0; i < 100_000; i++) {
            // A sender that mostly writes faster than the line, with pauses now and then.
            now += random.nextInt(10) == 0 ? random.nextInt(5_000_000) : random.nextInt(200_000);
            int bytes = 1 + random.nextInt(link.readBytes());
            long at = schedule.admissibleAt(now, bytes);
            assertTrue(at >= now, "admitted before it was read");
            long arrival = schedule.admit(at, bytes);
            sent += bytes;
            assertTrue(schedule.queuedBytes(at) <= link.queueBytes(), "queue over its bound at chunk " + i);
            assertTrue(arrival >= lastArrival, "chunk " + i + " overtook the one before it");
            assertTrue(arrival >= at + link.oneWayNanos() + link.nanosToSend(bytes), "chunk " + i + " arrived early");
            // The line never carries more than its rate: every byte so far has had its time on it.
            assertTrue(arrival - link.oneWayNanos() >= link.nanosToSend(sent) - 1, "faster than the line");
            lastArrival = arrival;
            now = at;
        }
    }

    @Test
    void theDefaultQueueIsAQuarterOfTheRoundTripsProduct() {
        // 1 Gbit/s and 25 ms each way: 6.25 MB per round trip.
        assertEquals(1_562_500, Link.of(125_000_000, Duration.ofMillis(25)).queueBytes());
        // A slow short link still queues a few reads.
        assertEquals(
                Link.MIN_QUEUE_BYTES, Link.of(100_000, Duration.ofMillis(1)).queueBytes());
    }

    @Test
    void badLinksAreRefusedWithTheirReason() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new Link(0, 1, 1 << 20, 1 << 16));
        assertEquals("bytesPerSecond: 0 (expected: > 0)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Link(1, -1, 1 << 20, 1 << 16));
        assertThrows(IllegalArgumentException.class, () -> new Link(1, 1, 100, 1 << 16));
        assertThrows(
                IllegalArgumentException.class, () -> new LinkSchedule(LINK, 0).admissibleAt(0, LINK.queueBytes() + 1));
    }
}
