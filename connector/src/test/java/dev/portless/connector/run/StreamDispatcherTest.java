package dev.portless.connector.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.wire.StreamError;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.tunnel.TunnelCredentials;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import org.junit.jupiter.api.Test;

/** The first handler of every stream the edge opens: register, stream, or 404. */
class StreamDispatcherTest {
    private final TunnelCredentials credentials = TunnelCredentials.generate("office");
    private final StreamCounter streams = new StreamCounter();
    // Draining: the gate answers before it needs ingress rules, a resolver, a proxy or a token check.
    private final StreamGate gate = new StreamGate(streams, null);
    private final TargetDialer dialer = new TargetDialer(
            null,
            null,
            null,
            streams,
            gate,
            new ConnectorMetrics(new io.prometheus.metrics.model.registry.PrometheusRegistry(), java.util.List.of()),
            null);
    private final StreamRoutes routes = new StreamRoutes(dialer, new WebStreams(null, gate, dialer, null, streams));

    @Test
    void theRegisterRequestGetsTheTunnelCredentials() {
        EmbeddedChannel stream = dispatching();
        stream.writeInbound(request(TunnelProtocol.REGISTER_PATH));

        Http2Headers answer = this.<Http2HeadersFrame>outbound(stream).headers();
        assertEquals("200", answer.status().toString());
        assertEquals(
                credentials.tunnelId().toString(),
                answer.get(TunnelProtocol.TUNNEL_ID).toString());
        assertEquals(
                credentials.secret(), answer.get(TunnelProtocol.TUNNEL_SECRET).toString());
        assertInstanceOf(RegistrationResponder.class, stream.pipeline().get("register"));
        assertNull(stream.pipeline().get(StreamDispatcher.class));
    }

    @Test
    void aStreamRequestGoesToTheDialer() {
        streams.startDraining();
        EmbeddedChannel stream = dispatching();
        stream.writeInbound(request(TunnelProtocol.STREAM_PATH));

        Http2HeadersFrame answer = outbound(stream);
        assertEquals(
                Integer.toString(StreamError.CONNECTOR_DRAINING.httpStatus()),
                answer.headers().status().toString());
        assertEquals(
                StreamError.CONNECTOR_DRAINING.code(),
                answer.headers().get(TunnelProtocol.ERROR).toString());
        assertTrue(answer.isEndStream());
        assertFalse(stream.isOpen(), "a refused stream ends");
    }

    @Test
    void aWebRequestGoesToTheWebStreamsWhateverItsPath() {
        streams.startDraining();
        for (String kind : new String[] {TunnelProtocol.KIND_HTTP, TunnelProtocol.KIND_WEBSOCKET}) {
            EmbeddedChannel stream = dispatching();
            Http2HeadersFrame request = request(TunnelProtocol.REGISTER_PATH);
            request.headers().method("GET").set(TunnelProtocol.KIND, kind);
            stream.writeInbound(request);

            Http2HeadersFrame answer = outbound(stream);
            assertEquals(
                    StreamError.CONNECTOR_DRAINING.code(),
                    answer.headers().get(TunnelProtocol.ERROR).toString(),
                    "a browser path that looks like the register path is still a web request");
            assertNull(answer.headers().get(TunnelProtocol.TUNNEL_SECRET));
        }
    }

    @Test
    void anUnknownStreamKindIsABadRequest() {
        EmbeddedChannel stream = dispatching();
        Http2HeadersFrame request = request("/");
        request.headers().set(TunnelProtocol.KIND, "carrier-pigeon");
        stream.writeInbound(request);

        Http2HeadersFrame answer = outbound(stream);
        assertEquals("400", answer.headers().status().toString());
        assertEquals(
                StreamError.BAD_REQUEST.code(),
                answer.headers().get(TunnelProtocol.ERROR).toString());
        assertTrue(answer.isEndStream());
    }

    @Test
    void anyOtherPathIsNotFound() {
        EmbeddedChannel stream = dispatching();
        stream.writeInbound(request("/elsewhere"));

        Http2HeadersFrame answer = outbound(stream);
        assertEquals("404", answer.headers().status().toString());
        assertTrue(answer.isEndStream());
        assertSame(
                stream.pipeline().get(StreamDispatcher.class), stream.pipeline().first());
    }

    private EmbeddedChannel dispatching() {
        EmbeddedChannel stream = new EmbeddedChannel();
        stream.config().setAutoRead(false);
        stream.pipeline()
                .addLast(
                        "dispatch",
                        new StreamDispatcher(
                                () -> new RegistrationResponder(
                                        credentials,
                                        new ConnectorIdentity("host/1", "0011223344556677"),
                                        verdict -> {}),
                                routes));
        return stream;
    }

    private static Http2HeadersFrame request(String path) {
        return new DefaultHttp2HeadersFrame(
                new DefaultHttp2Headers().method("POST").path(path).authority("db.example.com"), false);
    }

    private <T> T outbound(EmbeddedChannel stream) {
        T frame = stream.readOutbound();
        return frame;
    }
}
