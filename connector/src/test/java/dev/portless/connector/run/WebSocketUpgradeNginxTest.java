package dev.portless.connector.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.common.wire.TunnelProtocol;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * WebSocket upgrades through the connector's web proxy: an upgrade the origin accepts becomes a stream of the
 * WebSocket's bytes; one it refuses comes back as the origin's own response, marked as not upgraded.
 */
class WebSocketUpgradeNginxTest {
    @RegisterExtension
    static final NginxOrigins origins = new NginxOrigins();

    @Test
    void aWebSocketUpgradeIsPassedThrough() throws Exception {
        String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        Http2Headers request = WebTunnel.request("GET", "ws.example.com", "/ws", TunnelProtocol.KIND_WEBSOCKET)
                .add("sec-websocket-key", key)
                .add("sec-websocket-version", "13");
        // The stream stays open for the WebSocket's bytes: its headers come without END_STREAM.
        WebTunnel.Exchange x = origins.tunnel.open(request);
        Http2Headers answer = x.headers.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("200", answer.status().toString());
        assertEquals("websocket", answer.get(TunnelProtocol.UPGRADED).toString());
        String accept = Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("SHA-1")
                        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
        assertEquals(accept, answer.get("sec-websocket-accept").toString());

        byte[] mask = {1, 2, 3, 4};
        byte[] text = "hello".getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[2 + 4 + text.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | text.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < text.length; i++) {
            frame[6 + i] = (byte) (text[i] ^ mask[i % 4]);
        }
        x.sendRaw(frame, false);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (x.received.get() < 2 + text.length && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertArrayEquals(
                new byte[] {(byte) 0x81, 5, 'h', 'e', 'l', 'l', 'o'}, x.keptBytes(), "the origin's echo, raw");
        x.stream.close();
    }

    @Test
    void anUpgradeTheOriginRefusesIsItsOwnMarkedResponse() throws Exception {
        Http2Headers request = WebTunnel.request("GET", "plain.example.com", "/deny", TunnelProtocol.KIND_WEBSOCKET)
                .add("sec-websocket-key", "MDEyMzQ1Njc4OWFiY2RlZg==")
                .add("sec-websocket-version", "13");
        WebTunnel.Exchange x = origins.tunnel.open(request);
        Http2Headers answer = x.headers.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("403", answer.status().toString());
        assertEquals(
                TunnelProtocol.UPGRADED_NO, answer.get(TunnelProtocol.UPGRADED).toString());
        assertEquals("no-upgrades", answer.get("x-why").toString());
        assertEquals(null, answer.get(TunnelProtocol.ERROR), "the origin's own answer, not the connector's error");
        x.await();
        assertEquals("no websockets here\n", x.body());
    }
}
