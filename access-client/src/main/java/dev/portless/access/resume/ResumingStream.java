package dev.portless.access.resume;

import static java.util.Objects.requireNonNull;

import dev.portless.access.edge.AccessException;
import dev.portless.access.edge.StreamDialer;
import dev.portless.access.limits.AccessLimits;
import dev.portless.common.relay.StreamAbort;
import dev.portless.common.resume.ResumableEnd;
import dev.portless.common.resume.ResumeName;
import dev.portless.common.resume.ResumeProtocol;
import dev.portless.common.wire.StreamEnd;
import dev.portless.common.wire.StreamError;
import io.netty.channel.Channel;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One local connection carried by a resumable stream: when the stream's connection to the edge
 * breaks, it redials the app's hostname (full-jitter backoff) and resumes the stream with its id,
 * secret and received count, until it is back, refused, or {@link AccessLimits#RESUME_GIVE_UP} has
 * passed.
 */
public final class ResumingStream implements ResumableEnd.Events {
    private static final Logger log = LoggerFactory.getLogger(ResumingStream.class);
    /** The environment variable that turns resume off ({@code off}); it is on by default. */
    public static final String ENV = "PORTLESS_RESUME";

    private final StreamDialer dialer;
    private final String hostname;
    private final PrintStream err;
    // Touched from the end's event loop only.
    private ResumeName name;
    private long brokeAtNanos;
    private int attempt;
    // When an edge first answered, since this break, that the stream's connector is not connected to it; 0: never.
    private long holderAbsentSinceNanos;
    private ResumableEnd end;
    // Whether the end's sentence was printed already (a refused or abandoned resume prints its own).
    private boolean told;

    private ResumingStream(StreamDialer dialer, String hostname, PrintStream err) {
        this.dialer = dialer;
        this.hostname = hostname;
        this.err = err;
    }

    /**
     * Returns whether {@code env} leaves resume on: it is on unless {@code PORTLESS_RESUME} is
     * {@code off} (or {@code false}, {@code no}, {@code 0}).
     */
    public static boolean requested(Map<String, String> env) {
        String value = env.getOrDefault(ENV, "").trim().toLowerCase(Locale.ROOT);
        return !(value.equals("off") || value.equals("false") || value.equals("no") || value.equals("0"));
    }

    /** Returns the headers that ask the edge for a new resumable stream. */
    public static Map<String, String> newStreamHeaders() {
        return Map.of(ResumeProtocol.RESUME, ResumeProtocol.NEW);
    }

    /**
     * Joins {@code local} (its stream adapter and hold in place) to {@code carrier}, a stream opened
     * with {@link #newStreamHeaders()}, and keeps the pair going across breaks; returns the end.
     */
    public static ResumableEnd join(
            Channel local, Channel carrier, StreamDialer dialer, String hostname, PrintStream err) {
        requireNonNull(carrier, "carrier");
        ResumingStream stream = new ResumingStream(
                requireNonNull(dialer, "dialer"), requireNonNull(hostname, "hostname"), requireNonNull(err, "err"));
        ResumableEnd end = ResumableEnd.start(
                local, "local", AccessLimits.RESUME_REPLAY_BUFFER, AccessLimits.RESUME_REPLAY_CAP, stream);
        stream.end = end;
        end.attachFirst(carrier, null);
        return end;
    }

    @Override
    public void named(ResumableEnd end, String streamId, String secret) {
        name = new ResumeName(streamId, secret);
    }

    @Override
    public StreamAbort plainLost(String detail) {
        return StreamAbort.of(StreamEnd.LOCAL_RESET);
    }

    @Override
    public void detached(ResumableEnd end) {
        if (name == null) {
            end.abort(StreamAbort.of(
                    StreamEnd.RESUME_FAILED, "the connection to the edge broke before the connector named the stream"));
            return;
        }
        brokeAtNanos = System.nanoTime();
        holderAbsentSinceNanos = 0;
        log.info("stream={} the connection to the edge broke; resuming", name.streamId());
        redial(0);
    }

    @Override
    public void ended(ResumableEnd end, String reason, boolean completed) {
        // A reset the local program caused itself needs no word.
        if (!completed && !told && !reason.equals(StreamEnd.LOCAL_RESET.sentence())) {
            err.println("access: the stream to " + hostname + " ended: " + reason);
        }
        log.debug(
                "stream={} to {} ended: {} (sent {}, received {}, resumes {})",
                name == null ? "-" : name.streamId(),
                hostname,
                reason,
                end.sent(),
                end.received(),
                end.resumes());
    }

    /** Runs on the end's loop: dials again after the attempt's backoff. */
    private void redial(int attempt) {
        long pauseMillis = attempt == 0 ? 0 : backoffMillis(attempt);
        this.attempt = attempt;
        end.loop().schedule(this::dialOnce, pauseMillis, TimeUnit.MILLISECONDS);
    }

    private static long backoffMillis(int attempt) {
        long cap = Math.min(
                AccessLimits.RESUME_RETRY_MAX.toMillis(),
                AccessLimits.RESUME_RETRY_INITIAL.toMillis() << Math.min(attempt, 20));
        return ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
    }

    private void dialOnce() {
        if (end.ended()) {
            return;
        }
        Map<String, String> headers = Map.of(
                ResumeProtocol.RESUME,
                name.streamId(),
                ResumeProtocol.SECRET,
                name.secret(),
                ResumeProtocol.RECEIVED,
                Long.toString(end.received()));
        CompletableFuture<Channel> dialed = dialer.open(end.loop(), hostname, null, headers);
        dialed.whenComplete((carrier, failure) -> end.loop().execute(() -> dialed(carrier, failure)));
    }

    private void dialed(Channel carrier, Throwable failure) {
        if (failure == null) {
            if (end.ended()) {
                carrier.close();
                return;
            }
            long millis = (System.nanoTime() - brokeAtNanos) / 1_000_000;
            err.println("access: resumed the stream to " + hostname + " after a break of " + millis + " ms.");
            log.info("stream={} resumed after {} ms ({} redials)", name.streamId(), millis, attempt + 1);
            end.attachResumed(carrier);
            return;
        }
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        String code = cause instanceof AccessException a ? a.edgeError().orElse("") : "";
        boolean refused = code.equals(StreamError.RESUME_REFUSED.code())
                || code.equals(StreamError.FORBIDDEN.code())
                || code.equals(StreamError.UNKNOWN_APP.code());
        long now = System.nanoTime();
        long elapsedNanos = now - brokeAtNanos;
        if (code.equals(StreamError.NO_CONNECTOR.code()) && holderAbsentSinceNanos == 0) {
            holderAbsentSinceNanos = now;
        }
        boolean holderGone = code.equals(StreamError.NO_CONNECTOR.code())
                && now - holderAbsentSinceNanos > AccessLimits.RESUME_CONNECTOR_WAIT.toNanos();
        if (refused || holderGone) {
            err.println("access: the stream to " + hostname + " could not be resumed: " + cause.getMessage());
            told = true;
            end.abort(StreamAbort.of(StreamEnd.RESUME_FAILED, cause.getMessage()));
        } else if (elapsedNanos > AccessLimits.RESUME_GIVE_UP.toNanos()) {
            String why = "no resume succeeded within " + AccessLimits.RESUME_GIVE_UP.toMinutes()
                    + " minutes (last attempt: " + cause.getMessage() + ")";
            StreamAbort abort = StreamAbort.of(StreamEnd.RESUME_FAILED, why);
            err.println("access: the stream to " + hostname + " ended: " + abort.reason());
            told = true;
            end.abort(abort);
        } else {
            log.debug("stream={} resume attempt {} failed: {}", name.streamId(), attempt + 1, cause.getMessage());
            redial(attempt + 1);
        }
    }
}
