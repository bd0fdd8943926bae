package dev.portless.access.edge;

import static java.util.Objects.requireNonNull;

import dev.portless.access.limits.AccessLimits;
import dev.portless.common.resume.ResumeProtocol;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream dialer that dials a new stream again, a few times with a growing pause, when the
 * connection to the edge broke before the edge answered: a reset or a broken pipe while many
 * clients dial at once passes, and nothing has reached the app then. A refusal, a failed TLS
 * handshake or a missing answer is final. A resume is not dialed again here: the resuming stream
 * has its own redial loop.
 */
public final class FirstDialRetry implements StreamDialer {
    private static final Logger log = LoggerFactory.getLogger(FirstDialRetry.class);

    private final StreamDialer dialer;

    private FirstDialRetry(StreamDialer dialer) {
        this.dialer = dialer;
    }

    /** Returns {@code dialer} with its new streams' first dial retried after a broken connection. */
    public static StreamDialer around(StreamDialer dialer) {
        return new FirstDialRetry(requireNonNull(dialer, "dialer"));
    }

    @Override
    public EdgeEndpoint edge() {
        return dialer.edge();
    }

    @Override
    public void signInNow() throws AccessException, InterruptedException {
        dialer.signInNow();
    }

    @Override
    public CompletableFuture<Channel> open(
            EventLoop loop, String hostname, String destination, Map<String, String> resume) {
        String resumed = resume.get(ResumeProtocol.RESUME);
        if (resumed != null && !resumed.equals(ResumeProtocol.NEW)) {
            return dialer.open(loop, hostname, destination, resume);
        }
        CompletableFuture<Channel> result = new CompletableFuture<>();
        attempt(loop, hostname, destination, resume, 1, result);
        return result;
    }

    private void attempt(
            EventLoop loop,
            String hostname,
            String destination,
            Map<String, String> resume,
            int attempt,
            CompletableFuture<Channel> result) {
        dialer.open(loop, hostname, destination, resume).whenComplete((stream, failure) -> {
            if (failure == null) {
                result.complete(stream);
                return;
            }
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            boolean passing = cause instanceof AccessException a && a.brokeBeforeAnswer();
            if (!passing || attempt >= AccessLimits.FIRST_DIAL_ATTEMPTS) {
                result.completeExceptionally(cause);
                return;
            }
            long pauseMillis = pauseMillis(attempt);
            log.debug(
                    "dial {} of a stream to {} failed ({}); dialing again in {} ms",
                    attempt,
                    hostname,
                    cause.getMessage(),
                    pauseMillis);
            loop.schedule(
                    () -> attempt(loop, hostname, destination, resume, attempt + 1, result),
                    pauseMillis,
                    TimeUnit.MILLISECONDS);
        });
    }

    /** Returns the pause after failed attempt {@code attempt}: doubling from the first, with jitter so clients spread. */
    static long pauseMillis(int attempt) {
        long cap = AccessLimits.FIRST_DIAL_RETRY_INITIAL.toMillis() << Math.min(attempt - 1, 10);
        return ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
    }
}
