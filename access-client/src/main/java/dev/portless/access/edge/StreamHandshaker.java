package dev.portless.access.edge;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameMaskGenerator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;

/**
 * The client side of a stream's WebSocket handshake (RFC 6455, version 13) whose frames
 * carry the mask bit with an all-zero masking key.
 *
 * <p>Masking exists so that script in a browser cannot make a WebSocket look like plain HTTP to a
 * caching proxy on the path. Here the client is not a browser and the frames travel inside TLS to
 * the edge, so no proxy ever sees them. A zero key keeps the frames valid for every server (the
 * mask bit is set and the key is on the wire) while Netty's encoder then writes the header and the
 * payload as two buffers instead of copying every byte through an XOR, and the edge's decoder
 * skips unmasking: that copy and XOR were the client's and the edge's largest Java costs per byte.
 */
final class StreamHandshaker extends WebSocketClientHandshaker13 {
    private static final WebSocketFrameMaskGenerator ZERO_KEY = () -> 0;

    /** Returns a handshaker that offers {@code subprotocol} when not null. */
    StreamHandshaker(URI uri, String subprotocol, HttpHeaders headers, int maxFramePayloadLength) {
        super(uri, WebSocketVersion.V13, subprotocol, false, headers, maxFramePayloadLength);
    }

    @Override
    protected WebSocketFrameEncoder newWebSocketEncoder() {
        return new WebSocket08FrameEncoder(ZERO_KEY);
    }
}
