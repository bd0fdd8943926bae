package dev.portless.bridge.audit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * What the audit log will say about one forwarded channel: the session's identity, the target as
 * asked and as dialed, bytes each way and why it ended. Counters are bumped from MINA's I/O threads.
 */
public final class ChannelAudit {

    private final SessionAudit session;
    private final String target;
    private final Instant start;
    private final AtomicReference<String> resolved = new AtomicReference<>();
    private final AtomicLong clientToTarget = new AtomicLong();
    private final LongSupplier targetToClient;
    private final AtomicReference<String> endReason = new AtomicReference<>();
    private final AtomicBoolean written = new AtomicBoolean();

    /**
     * Returns the audit of a channel of {@code session} to {@code target} ({@code host:port} as asked);
     * {@code targetToClient} counts the bytes sent on to the client and is read when the record is written.
     */
    public ChannelAudit(SessionAudit session, String target, LongSupplier targetToClient) {
        this.session = requireNonNull(session, "session");
        this.target = requireNonNull(target, "target");
        this.targetToClient = requireNonNull(targetToClient, "targetToClient");
        this.start = session.clock().instant();
        session.opened(this);
    }

    /** Returns the target as the client asked for it, {@code host:port}. */
    public String target() {
        return target;
    }

    /** Returns the address dialed, {@code host:port}, or {@code null} before the policy chose one. */
    public String resolvedAddress() {
        return resolved.get();
    }

    /** Records the exact address dialed, {@code host:port}. */
    public void resolved(String address) {
        resolved.set(requireNonNull(address, "address"));
    }

    /** Counts bytes the target accepted from the client. */
    public void clientToTarget(long bytes) {
        clientToTarget.addAndGet(bytes);
    }

    /** Records why the channel ends; the first reason wins, later ones are consequences. */
    public void ending(String reason) {
        endReason.compareAndSet(null, requireNonNull(reason, "reason"));
    }

    /** Writes the channel record, once. */
    public void finish() {
        if (!written.compareAndSet(false, true)) {
            return;
        }
        final String reason = endReason.get();
        final JsonLine record = session.identityFields(new JsonLine().put("type", "channel"))
                .put("target", target)
                .put("resolved", resolved.get())
                .put("bytes_client_to_target", clientToTarget.get())
                .put("bytes_target_to_client", targetToClient.getAsLong())
                .put("start", start.toString())
                .put("end", session.clock().instant().toString())
                .put("end_reason", reason == null ? "closed" : reason);
        session.log().write(record);
        session.closed(this);
    }
}
