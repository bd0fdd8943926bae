package dev.portless.connector.edge.tunnel;

import dev.portless.common.relay.RelayPair;
import dev.portless.common.relay.StreamAbort;
import dev.portless.common.wire.StreamEnd;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * A stream the connector accepted: the HTTP/2 child channel (reads off), the target the connector
 * dialed and the connector's answer (whose {@code portless-upgraded} tells a WebSocket stream that
 * an origin took the upgrade itself).
 *
 * @param channel    the stream, ready for a relay
 * @param target     the connector's name for the target, e.g. {@code tcp://127.0.0.1:5432}
 * @param connection the tunnel connection carrying the stream
 * @param answer     the connector's answer headers: {@code 200}, or an origin's own answer to an
 *                   upgrade it refused ({@code portless-upgraded: no})
 */
public record OpenedStream(
        Http2StreamChannel channel, String target, ConnectorConnection connection, Http2Headers answer) {

    /**
     * Returns the stream as the connector's side of a relay. Without an end of its own, its close
     * means the tunnel connection broke (the connector crashed, or its network went away) or, with
     * the connection still up, a bare RST_STREAM: the connector sends one for an abort once its
     * END_STREAM is out, when no trailers can follow, and that is a target that reset after it had
     * finished sending.
     */
    public RelayPair.Side relaySide() {
        return new RelayPair.Side(
                channel,
                "connector",
                () -> channel.parent().isActive()
                        ? StreamAbort.of(StreamEnd.TARGET_RESET)
                        : StreamAbort.of(StreamEnd.CONNECTOR_LOST, connection.tunnelName()));
    }
}
