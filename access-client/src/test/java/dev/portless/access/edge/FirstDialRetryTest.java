package dev.portless.access.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.access.limits.AccessLimits;
import dev.portless.common.resume.ResumeProtocol;
import io.netty.channel.Channel;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A new stream's first dial is dialed again only when the connection to the edge broke before the
 * edge answered, a bounded number of times; refusals and resumes are not.
 */
class FirstDialRetryTest {
    private static final String APP = "ssh.portless.test";

    private final EventLoop loop = new DefaultEventLoop();
    private final EmbeddedChannel stream = new EmbeddedChannel();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        stream.finishAndReleaseAll();
    }

    @Test
    void aBrokenPipeBeforeTheAnswerIsDialedAgain() throws Exception {
        Scripted dialer = new Scripted(List.of(broken(), broken()), stream);

        Channel opened = FirstDialRetry.around(dialer).open(loop, APP).get(10, TimeUnit.SECONDS);

        assertSame(stream, opened);
        assertEquals(3, dialer.attempts.get());
    }

    @Test
    void aRefusalIsFinal() {
        AccessException refused = new AccessException("No connector is online for " + APP + ".", "no_connector");
        Scripted dialer = new Scripted(List.of(refused), stream);

        ExecutionException e = assertThrows(
                ExecutionException.class,
                () -> FirstDialRetry.around(dialer).open(loop, APP).get(10, TimeUnit.SECONDS));

        assertSame(refused, e.getCause());
        assertEquals(1, dialer.attempts.get());
    }

    @Test
    void dialsAtMostTheLimitThenSaysWhy() {
        List<AccessException> failures = List.of(broken(), broken(), broken(), broken(), broken(), broken());
        Scripted dialer = new Scripted(failures, stream);

        ExecutionException e = assertThrows(
                ExecutionException.class,
                () -> FirstDialRetry.around(dialer).open(loop, APP).get(10, TimeUnit.SECONDS));

        assertTrue(
                e.getCause().getMessage().contains("Broken pipe"), e.getCause().getMessage());
        assertEquals(AccessLimits.FIRST_DIAL_ATTEMPTS, dialer.attempts.get());
    }

    @Test
    void aResumeIsLeftToItsOwnRedials() {
        Scripted dialer = new Scripted(List.of(broken()), stream);
        Map<String, String> resume = Map.of(ResumeProtocol.RESUME, "abc.def");

        assertThrows(
                ExecutionException.class,
                () -> FirstDialRetry.around(dialer)
                        .open(loop, APP, null, resume)
                        .get(10, TimeUnit.SECONDS));

        assertEquals(1, dialer.attempts.get());
    }

    @Test
    void theFirstPausesGrowAndStayWithinTheirBounds() {
        for (int attempt = 1; attempt < AccessLimits.FIRST_DIAL_ATTEMPTS; attempt++) {
            long cap = AccessLimits.FIRST_DIAL_RETRY_INITIAL.toMillis() << (attempt - 1);
            long pause = FirstDialRetry.pauseMillis(attempt);
            assertTrue(
                    pause >= cap / 2 && pause <= cap,
                    attempt + ": " + pause + " ms (expected: " + cap / 2 + ".." + cap + ")");
        }
    }

    private static AccessException broken() {
        return AccessException.brokeBeforeAnswer("The connection to the edge at 127.0.0.1:1 failed: Broken pipe");
    }

    /** A dialer that fails with each of its failures in turn, then opens {@code stream}. */
    private static final class Scripted implements StreamDialer {
        final AtomicInteger attempts = new AtomicInteger();
        private final Deque<AccessException> failures;
        private final Channel stream;

        Scripted(List<AccessException> failures, Channel stream) {
            this.failures = new ArrayDeque<>(failures);
            this.stream = stream;
        }

        @Override
        public EdgeEndpoint edge() {
            return new EdgeEndpoint("127.0.0.1", 1);
        }

        @Override
        public CompletableFuture<Channel> open(
                EventLoop loop, String hostname, String destination, Map<String, String> resume) {
            attempts.incrementAndGet();
            AccessException next = failures.poll();
            return next == null ? CompletableFuture.completedFuture(stream) : CompletableFuture.failedFuture(next);
        }
    }
}
