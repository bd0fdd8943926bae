package dev.portless.bridge.audit;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.function.BooleanSupplier;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

/**
 * The listener that opens a {@link SessionAudit} for every new connection and writes its record
 * when the connection closes, with the first reason seen: the client's disconnect, the bridge's, an
 * error, or the bridge stopping.
 */
public final class SessionAuditListener implements SessionListener {

    private final AuditLog log;
    private final Clock clock;
    private final BooleanSupplier stopping;

    /** Returns a listener writing to {@code log}; {@code stopping} says whether the bridge is shutting down. */
    public SessionAuditListener(AuditLog log, Clock clock, BooleanSupplier stopping) {
        this.log = requireNonNull(log, "log");
        this.clock = requireNonNull(clock, "clock");
        this.stopping = requireNonNull(stopping, "stopping");
    }

    @Override
    public void sessionCreated(Session session) {
        session.setAttribute(
                SessionAudit.KEY,
                new SessionAudit(log, clock, session.getIoSession().getRemoteAddress()));
    }

    @Override
    public void sessionDisconnect(Session session, int reason, String msg, String language, boolean initiator) {
        final SessionAudit audit = SessionAudit.of(session);
        if (audit == null) {
            return;
        }
        if (stopping.getAsBoolean()) {
            audit.ending(SessionAudit.BRIDGE_STOPPED);
        } else if (initiator) {
            audit.ending("bridge disconnected the client: " + describe(reason, msg));
        } else {
            audit.ending("client disconnected: " + describe(reason, msg));
        }
    }

    @Override
    public void sessionException(Session session, Throwable t) {
        final SessionAudit audit = SessionAudit.of(session);
        if (audit != null) {
            audit.ending(stopping.getAsBoolean() ? SessionAudit.BRIDGE_STOPPED : "connection error: " + t.getMessage());
        }
    }

    @Override
    public void sessionClosed(Session session) {
        final SessionAudit audit = SessionAudit.of(session);
        if (audit != null) {
            audit.ending(stopping.getAsBoolean() ? SessionAudit.BRIDGE_STOPPED : "connection closed");
            audit.finish();
        }
    }

    private static String describe(int reason, String msg) {
        final String name = SshConstants.getDisconnectReasonName(reason);
        return msg == null || msg.isEmpty() ? name : msg + " (" + name + ")";
    }
}
