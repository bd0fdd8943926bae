package dev.portless.connector.edge.audit;

import static java.util.Objects.requireNonNull;

import dev.portless.common.json.Json;
import dev.portless.connector.edge.config.AuditSettings;
import dev.portless.connector.edge.events.EdgeEvents;
import dev.portless.connector.edge.events.EndedStream;
import dev.portless.connector.edge.events.Refusal;
import dev.portless.connector.edge.events.SignOutEnforcement;
import dev.portless.connector.edge.events.SshCertificateIssue;
import dev.portless.connector.edge.events.TokenIssue;
import dev.portless.connector.edge.policy.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's audit log: one JSON object per line for every stream, sign-in, token issued, refusal,
 * SSH certificate and administrator's sign-out. Callers run on event loops, so records are queued and one thread of its own
 * writes them; no record holds a token, secret or cookie.
 */
public final class EdgeAuditLog implements EdgeEvents, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EdgeAuditLog.class);
    private static final byte[] STOP = new byte[0];
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final AuditSink sink;
    private final Clock clock;
    private final BlockingQueue<byte[]> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;

    private EdgeAuditLog(AuditSink sink, Clock clock, int queueSize) {
        this.sink = sink;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.writer = new Thread(this::drain, "edge-audit");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Returns the audit log {@code settings} asks for, holding at most {@code queueSize} records
     * not yet written.
     *
     * @throws UncheckedIOException when the file cannot be created or opened
     */
    public static EdgeAuditLog open(AuditSettings settings, Clock clock, int queueSize) {
        requireNonNull(settings, "settings");
        requireNonNull(clock, "clock");
        try {
            AuditSink sink =
                    settings.file().isPresent() ? AuditSink.file(settings.file().get()) : AuditSink.stdout();
            return new EdgeAuditLog(sink, clock, queueSize);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "audit.file " + settings.file().orElseThrow() + ": cannot open it for appending: " + e.getMessage()
                            + "; check the directory exists and is writable",
                    e);
        }
    }

    @Override
    public void streamEnded(EndedStream end) {
        Map<String, Object> r = record("stream");
        r.put("stream_id", end.streamId());
        r.put("identity", end.identity());
        r.put("app", end.app());
        r.put("client", end.client());
        r.put("target", end.target());
        r.put("bytes_up", end.bytesUp());
        r.put("bytes_down", end.bytesDown());
        r.put("duration_ms", end.durationMillis());
        r.put("end_reason", end.endReason());
        write(r);
    }

    @Override
    public void refused(Refusal refusal) {
        Map<String, Object> r = record("refusal");
        r.put("app", refusal.app());
        r.put("client", refusal.client());
        r.put("status", refusal.status());
        r.put("error", refusal.error());
        r.put("message", refusal.message());
        write(r);
    }

    @Override
    public void signedIn(Identity identity) {
        Map<String, Object> r = record("sign_in");
        identity(r, identity);
        r.put("result", "success");
        write(r);
    }

    @Override
    public void signInFailed(String provider, String result) {
        Map<String, Object> r = record("sign_in");
        r.put("provider", provider);
        r.put("result", result);
        write(r);
    }

    @Override
    public void tokenIssued(TokenIssue issue) {
        Map<String, Object> r = record("token_issue");
        identity(r, issue.identity());
        r.put("app", issue.app());
        r.put("token_id", issue.tokenId());
        r.put("expires", issue.expiresAt().toString());
        write(r);
    }

    @Override
    public void sshCertificateIssued(SshCertificateIssue issue) {
        Map<String, Object> r = record("ssh_certificate");
        r.put("identity", issue.identity());
        r.put("app", issue.app());
        r.put("client", issue.client());
        r.put("serial", issue.serial());
        r.put("principals", issue.principals());
        r.put("valid_before", issue.validBefore().toString());
        write(r);
    }

    @Override
    public void signOutEnforced(SignOutEnforcement enforcement) {
        Map<String, Object> r = record("sign_out");
        r.put("identity", enforcement.identity());
        r.put("app", enforcement.app().isEmpty() ? "*" : enforcement.app());
        r.put("signed_out_at", enforcement.signedOutAt().toString());
        r.put("by", enforcement.madeHere() ? "admin_listener" : "shared_store");
        r.put("streams_ended", enforcement.streamsEnded());
        write(r);
    }

    private Map<String, Object> record(String event) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("time", clock.instant().toString());
        r.put("event", event);
        return r;
    }

    private static void identity(Map<String, Object> r, Identity identity) {
        r.put("identity", identity.displayName());
        r.put("provider", identity.provider());
        r.put("subject", identity.subject());
        r.put("groups", identity.groups());
    }

    private void write(Map<String, Object> record) {
        byte[] line = (Json.write(record) + "\n").getBytes(StandardCharsets.UTF_8);
        if (!queue.offer(line)) {
            long n = dropped.incrementAndGet();
            // Say so once per power of two, not once per record: the log is as slow as the disk.
            if (Long.bitCount(n) == 1) {
                log.error("The audit log is not keeping up: {} record(s) dropped so far", n);
            }
        }
    }

    private void drain() {
        try {
            while (true) {
                byte[] line = queue.take();
                if (line == STOP) {
                    return;
                }
                try {
                    sink.write(line);
                } catch (IOException e) {
                    log.error("Writing the audit log failed: {}; the record is lost", e.getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what is queued, waiting a few seconds at most, and closes the file. */
    @Override
    public void close() {
        try {
            queue.put(STOP);
            writer.join(TimeUnit.SECONDS.toMillis(CLOSE_WAIT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            sink.close();
        } catch (IOException e) {
            log.warn("Closing the audit log failed: {}", e.getMessage());
        }
    }
}
