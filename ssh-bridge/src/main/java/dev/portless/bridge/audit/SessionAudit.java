package dev.portless.bridge.audit;

import static java.util.Objects.requireNonNull;

import dev.portless.bridge.identity.CertificateIdentity;
import dev.portless.common.net.IpLiterals;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;

/**
 * What the audit log will say about one SSH session: who (once authenticated), from where, and
 * why it ended. Written once, when the session closes. Touched from MINA's I/O threads and the
 * forwarding threads, hence synchronized.
 */
public final class SessionAudit {

    /** The end reason of sessions and channels cut short by the bridge shutting down. */
    public static final String BRIDGE_STOPPED = "bridge stopped";

    /** The session attribute holding this session's audit. */
    public static final AttributeKey<SessionAudit> KEY = new AttributeKey<>();

    private static final int MAX_REFUSALS = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AuditLog log;
    private final Clock clock;
    private final String id;
    private final String source;
    private final Instant start;
    private final List<String> refusals = new ArrayList<>();
    private final Set<ChannelAudit> openChannels = new LinkedHashSet<>();
    private CertificateIdentity identity;
    private String endReason;
    private boolean written;

    SessionAudit(AuditLog log, Clock clock, SocketAddress source) {
        this.log = requireNonNull(log, "log");
        this.clock = requireNonNull(clock, "clock");
        final byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        this.id = HexFormat.of().formatHex(bytes);
        this.source = describe(source);
        this.start = clock.instant();
    }

    /** Returns the audit of {@code session}, or {@code null} when it has none (never for a bridge session). */
    public static SessionAudit of(Session session) {
        return session.getAttribute(KEY);
    }

    /** Returns the session id the audit records carry, random, unrelated to the SSH session id. */
    public String id() {
        return id;
    }

    /** Returns the client address as {@code host:port}. */
    public String source() {
        return source;
    }

    /** Returns the authenticated identity, or {@code null} before authentication. */
    public synchronized CertificateIdentity identity() {
        return identity;
    }

    /** Records that the session authenticated as {@code identity}. */
    public synchronized void authenticated(CertificateIdentity identity) {
        this.identity = requireNonNull(identity, "identity");
    }

    /** Records one refused key; the first few refusals are kept for the record. */
    public synchronized void refused(String reason) {
        if (refusals.size() < MAX_REFUSALS) {
            refusals.add(requireNonNull(reason, "reason"));
        }
    }

    /** Records why the session ends; the first reason given wins, later ones are consequences. */
    public synchronized void ending(String reason) {
        if (endReason == null) {
            endReason = requireNonNull(reason, "reason");
        }
    }

    /** Notes a channel whose record is still to be written. */
    synchronized void opened(ChannelAudit channel) {
        openChannels.add(channel);
    }

    /** Notes that {@code channel}'s record is written. */
    synchronized void closed(ChannelAudit channel) {
        openChannels.remove(channel);
    }

    /**
     * Writes the session record, once, after the records of channels still open: MINA reports the session
     * closed before its channels, and a reader expects a session's channels above the session's own line.
     */
    void finish() {
        final List<ChannelAudit> channels;
        final String channelReason;
        synchronized (this) {
            if (written) {
                return;
            }
            channels = new ArrayList<>(openChannels);
            channelReason = BRIDGE_STOPPED.equals(endReason) ? BRIDGE_STOPPED : "session ended";
        }
        for (ChannelAudit channel : channels) {
            channel.ending(channelReason);
            channel.finish();
        }
        final JsonLine record;
        synchronized (this) {
            if (written) {
                return;
            }
            written = true;
            final String reason = endReason == null ? "connection closed" : endReason;
            final String finalReason;
            if (identity != null) {
                finalReason = reason;
            } else if (!refusals.isEmpty()) {
                finalReason = "authentication refused: " + refusals.get(0);
            } else {
                finalReason = "ended before authentication: " + reason;
            }
            record = identityFields(new JsonLine().put("type", "session"))
                    .put("start", start.toString())
                    .put("end", clock.instant().toString())
                    .put("end_reason", finalReason)
                    .put("auth_refusals", List.copyOf(refusals));
        }
        log.write(record);
    }

    /** Appends the session id, identity fields and source to {@code record}. */
    synchronized JsonLine identityFields(JsonLine record) {
        return record.put("session", id)
                .put("key_id", identity == null ? null : identity.keyId())
                .put("principal", identity == null ? null : identity.principal())
                .put("serial", identity == null ? null : identity.serial())
                .put("ca_fingerprint", identity == null ? null : identity.caFingerprint())
                .put("source", source);
    }

    AuditLog log() {
        return log;
    }

    Clock clock() {
        return clock;
    }

    private static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            final InetSocketAddress inet = (InetSocketAddress) address;
            final String host = inet.getAddress() != null ? IpLiterals.text(inet.getAddress()) : inet.getHostString();
            return (host.indexOf(':') >= 0 ? '[' + host + ']' : host) + ':' + inet.getPort();
        }
        return String.valueOf(address);
    }
}
