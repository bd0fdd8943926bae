package dev.portless.connector.run;

import dev.portless.common.wire.StreamError;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.run.token.StreamTokenCheck;
import dev.portless.connector.token.AppTokenException;
import dev.portless.connector.token.TokenRejection;
import dev.portless.connector.token.VerifiedAppToken;
import dev.portless.connector.tunnel.StreamRefusal;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every stream passes before the connector does anything for it, TCP and web alike: a draining
 * connector refuses it, and the app token it carries is checked again (signature, issuer, exact audience,
 * expiry) against the edge's published keys.
 */
final class StreamGate {
    private static final Logger log = LoggerFactory.getLogger(StreamGate.class);

    /** What runs on the stream's event loop once its token has passed. */
    interface Admitted {
        void admitted(Channel stream, String hostname, String streamId, String token, VerifiedAppToken verified);
    }

    private final StreamCounter streams;
    private final StreamTokenCheck tokens;

    StreamGate(StreamCounter streams, StreamTokenCheck tokens) {
        this.streams = streams;
        this.tokens = tokens;
    }

    /** Checks the stream of {@code request}; calls {@code next} when it passes, else answers the refusal. */
    void admit(Channel stream, Http2Headers request, Admitted next) {
        String hostname = request.authority() == null ? "" : request.authority().toString();
        CharSequence id = request.get(TunnelProtocol.STREAM_ID);
        String streamId = id == null ? "-" : id.toString();
        if (streams.draining()) {
            StreamRefusal.refuse(stream, StreamError.CONNECTOR_DRAINING, "The connector is shutting down; try again.");
            return;
        }
        CharSequence header = request.get(TunnelProtocol.APP_TOKEN);
        String token = header == null ? null : header.toString();
        CompletableFuture<VerifiedAppToken> checked = tokens.check(token, hostname);
        if (checked.isDone()) {
            afterCheck(stream, hostname, streamId, token, checked, next);
        } else {
            checked.whenComplete((v, f) ->
                    stream.eventLoop().execute(() -> afterCheck(stream, hostname, streamId, token, checked, next)));
        }
    }

    /** Runs on the stream's event loop once the token check has completed. */
    private static void afterCheck(
            Channel stream,
            String hostname,
            String streamId,
            String token,
            CompletableFuture<VerifiedAppToken> checked,
            Admitted next) {
        VerifiedAppToken verified;
        try {
            verified = checked.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (!(cause instanceof AppTokenException rejected)) {
                StreamRefusal.refuse(
                        stream, StreamError.INTERNAL, "The connector could not check the app token: " + cause);
                return;
            }
            log.warn("stream={} app={} token refused: {}", streamId, hostname, rejected.getMessage());
            boolean expired = rejected.rejection() == TokenRejection.EXPIRED;
            StreamRefusal.refuse(
                    stream,
                    expired ? StreamError.TOKEN_EXPIRED : StreamError.TOKEN_REJECTED,
                    "The connector refused the app token for " + hostname + ": "
                            + rejected.rejection().clause()
                            + (expired
                                    ? "; sign-in starts again."
                                    : rejected.rejection() == TokenRejection.KEYS_UNAVAILABLE
                                            ? "; the connector's operator should check its edge-issuer setting."
                                            : "; sign in again."));
            return;
        }
        if (!stream.isActive()) {
            return;
        }
        if (log.isDebugEnabled()) {
            // Guarded: three arguments make an array for every stream even when debug is off.
            log.debug("stream={} app={} identity={} token verified", streamId, hostname, verified.displayName());
        }
        next.admitted(stream, hostname, streamId, token, verified);
    }
}
