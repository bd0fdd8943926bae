package dev.portless.connector.run.session;

import static java.util.Objects.requireNonNull;

import dev.portless.common.relay.StreamAbort;
import dev.portless.common.resume.ResumableEnd;
import dev.portless.common.resume.ResumeName;
import dev.portless.common.resume.ResumeProtocol;
import dev.portless.common.wire.StreamEnd;
import dev.portless.common.wire.StreamError;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.tunnel.StreamRefusal;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resumable streams of this connector process, by stream id. A stream's target outlives the
 * tunnel stream that carries it for the detach window; a resume attaches a new tunnel stream after
 * the owner, the secret and the byte counts have been checked, before anything reaches the target.
 */
public final class StreamSessions {
    private static final Logger log = LoggerFactory.getLogger(StreamSessions.class);

    private final String instanceId;
    private final Duration detachWindow;
    private final long replayStart;
    private final long replayCap;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, StreamSession> byId = new ConcurrentHashMap<>();

    /**
     * Returns the sessions of a connector process that holds a detached target for
     * {@code detachWindow} and keeps at most {@code replayStart} unacknowledged bytes per stream at
     * first, growing to {@code replayCap} where the replay limit holds a stream back.
     */
    public StreamSessions(Duration detachWindow, long replayStart, long replayCap) {
        this.detachWindow = requireNonNull(detachWindow, "detachWindow");
        if (replayStart < 1 || replayCap < replayStart) {
            throw new IllegalArgumentException(
                    "replay limit: start " + replayStart + ", cap " + replayCap + " (expected: 1 <= start <= cap)");
        }
        this.replayStart = replayStart;
        this.replayCap = replayCap;
        byte[] id = new byte[8];
        random.nextBytes(id);
        this.instanceId = HexFormat.of().formatHex(id);
    }

    /** Returns this process's instance id, sent at registration; it starts every stream id minted here. */
    public String instanceId() {
        return instanceId;
    }

    /** Returns how many resumable streams are held now. */
    public int size() {
        return byId.size();
    }

    /** Returns whether {@code request} asks to resume a stream (rather than for a new one or none). */
    public static boolean isResume(Http2Headers request) {
        CharSequence resume = request.get(ResumeProtocol.RESUME);
        return resume != null && !ResumeProtocol.NEW.contentEquals(resume);
    }

    /** Returns whether {@code request} asks for a new resumable stream. */
    public static boolean isNew(Http2Headers request) {
        CharSequence resume = request.get(ResumeProtocol.RESUME);
        return resume != null && ResumeProtocol.NEW.contentEquals(resume);
    }

    /**
     * Makes a new resumable stream of {@code stream} (already answered {@code 200}) and
     * {@code target} (its stream adapter in place, reads off); {@code onEnd} learns once how it ended.
     */
    public void open(Channel stream, Channel target, String hostname, String subject, String targetName, Ended onEnd) {
        byte[] idBits = new byte[16];
        random.nextBytes(idBits);
        byte[] secretBits = new byte[32];
        random.nextBytes(secretBits);
        String id = instanceId + "." + HexFormat.of().formatHex(idBits);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBits);
        StreamSession session = new StreamSession(id, hostname, subject, sha256(secret), targetName);
        session.end = ResumableEnd.start(target, "target", replayStart, replayCap, new SessionEvents(session, onEnd));
        byId.put(id, session);
        log.debug("stream={} app={} target={} resumable", id, hostname, targetName);
        session.end.attachFirst(stream, new ResumeName(id, secret));
    }

    /** Ends every resumable stream, attached or detached, with {@code abort}; e.g. when the grace period is over. */
    public void endAll(StreamAbort abort) {
        requireNonNull(abort, "abort");
        byId.values().forEach(session -> session.end.abort(abort));
    }

    /**
     * Resumes the stream {@code request} names on {@code stream}, for {@code subject} whose token
     * has passed the gate, or refuses it with its sentence; nothing reaches the target on a refusal.
     */
    public void resume(Channel stream, Http2Headers request, String hostname, String subject) {
        String id = String.valueOf(request.get(ResumeProtocol.RESUME));
        CharSequence secret = request.get(ResumeProtocol.SECRET);
        long received;
        try {
            received = Long.parseLong(String.valueOf(request.get(ResumeProtocol.RECEIVED)));
        } catch (NumberFormatException e) {
            refuse(stream, id, StreamError.BAD_REQUEST, "The resume of stream " + id + " has no byte count.");
            return;
        }
        StreamSession session = byId.get(id);
        if (session == null) {
            refuse(
                    stream,
                    id,
                    StreamError.RESUME_REFUSED,
                    "The stream " + id + " is no longer held by its connector (it ended, or its detach window of "
                            + detachWindow.toSeconds() + " s passed); start it again.");
            return;
        }
        session.end.loop().execute(() -> check(stream, session, hostname, subject, secret, received));
    }

    /** Runs on the session's loop: the checks of a resume, then the attach. */
    private void check(
            Channel stream,
            StreamSession session,
            String hostname,
            String subject,
            CharSequence secret,
            long received) {
        ResumableEnd end = session.end;
        String id = session.id;
        if (end.ended()) {
            refuse(stream, id, StreamError.RESUME_REFUSED, "The stream " + id + " has ended; start it again.");
        } else if (!session.subject.equals(subject) || !session.hostname.equals(hostname)) {
            refuse(
                    stream,
                    id,
                    StreamError.RESUME_REFUSED,
                    "The stream " + id + " belongs to another user or app; it was not resumed.");
        } else if (secret == null || !MessageDigest.isEqual(session.secretHash, sha256(secret.toString()))) {
            refuse(
                    stream,
                    id,
                    StreamError.RESUME_REFUSED,
                    "The resume secret for stream " + id + " is wrong; it was not resumed.");
        } else if (received > end.sent()) {
            refuse(
                    stream,
                    id,
                    StreamError.RESUME_REFUSED,
                    "The resume of stream " + id + " claims " + received + " bytes received, but only " + end.sent()
                            + " were sent; it was not resumed.");
        } else if (received < end.acknowledged()) {
            refuse(
                    stream,
                    id,
                    StreamError.RESUME_REFUSED,
                    "The resume of stream " + id + " is stale (it claims " + received + " bytes received, but "
                            + end.acknowledged() + " were acknowledged already); it was not resumed.");
        } else if (!stream.isActive()) {
            log.debug("stream={} resume abandoned by the edge", id);
        } else {
            if (session.detachTimer != null) {
                session.detachTimer.cancel(false);
                session.detachTimer = null;
            }
            Http2Headers ok = new DefaultHttp2Headers().status("200").set(TunnelProtocol.TARGET, session.target);
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(ok, false));
            end.attachResumed(stream);
            log.info(
                    "stream={} app={} resumed (resume {}; client had {} bytes, connector had sent {})",
                    id,
                    session.hostname,
                    end.resumes(),
                    received,
                    end.sent());
        }
    }

    private static void refuse(Channel stream, String id, StreamError error, String sentence) {
        log.info("stream={} resume refused: {}", id, sentence);
        StreamRefusal.refuse(stream, error, sentence);
    }

    private static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /** What a session does when its carrier breaks and when it ends. */
    private final class SessionEvents implements ResumableEnd.Events {
        private final StreamSession session;
        private final Ended onEnd;

        SessionEvents(StreamSession session, Ended onEnd) {
            this.session = session;
            this.onEnd = onEnd;
        }

        @Override
        public StreamAbort plainLost(String detail) {
            return StreamAbort.of(StreamEnd.TARGET_RESET);
        }

        @Override
        public void detached(ResumableEnd end) {
            if (!end.peerHeard()) {
                // The client never acknowledged the HELLO, so it has no name to resume with: holding the
                // target for the detach window would keep it from everyone for nothing.
                log.info(
                        "stream={} app={} lost its client before the client acknowledged the stream; ending it now",
                        session.id,
                        session.hostname);
                end.abort(StreamAbort.of(StreamEnd.CLIENT_LOST));
                return;
            }
            log.info(
                    "stream={} app={} detached; the target stays open for {} s",
                    session.id,
                    session.hostname,
                    detachWindow.toSeconds());
            session.detachTimer = end.loop()
                    .schedule(
                            () -> {
                                if (!end.attached()) {
                                    end.abort(StreamAbort.of(
                                            StreamEnd.RESUME_WINDOW_PASSED, detachWindow.toSeconds() + " s"));
                                }
                            },
                            detachWindow.toMillis(),
                            TimeUnit.MILLISECONDS);
        }

        @Override
        public void ended(ResumableEnd end, String reason, boolean completed) {
            byId.remove(session.id);
            if (session.detachTimer != null) {
                session.detachTimer.cancel(false);
            }
            log.info(
                    "stream={} app={} target={} bytes_to_target={} bytes_from_target={} resumes={} end=\"{}\"",
                    session.id,
                    session.hostname,
                    session.target,
                    end.received(),
                    end.sent(),
                    end.resumes(),
                    reason);
            onEnd.ended(end.received(), end.sent(), reason);
        }
    }

    /** What a resumable stream's owner learns when it ends. */
    @FunctionalInterface
    public interface Ended {
        /** Called once, with the bytes relayed each way and the reason the stream ended. */
        void ended(long bytesToTarget, long bytesFromTarget, String reason);
    }
}
