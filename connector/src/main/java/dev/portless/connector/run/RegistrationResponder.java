package dev.portless.connector.run;

import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.tunnel.TunnelCredentials;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The connector's side of the control stream: it answers the edge's register request with
 * the tunnel credentials, then reads the verdict.
 */
final class RegistrationResponder extends ChannelInboundHandlerAdapter {
    private final TunnelCredentials credentials;
    private final ConnectorIdentity identity;
    private final Consumer<String> onVerdict;
    private final boolean probe;
    private final StringBuilder verdict = new StringBuilder();

    /**
     * Returns a responder that calls {@code onVerdict} with {@link TunnelProtocol#REGISTERED} or the
     * edge's error text.
     */
    RegistrationResponder(TunnelCredentials credentials, ConnectorIdentity identity, Consumer<String> onVerdict) {
        this(credentials, identity, onVerdict, false);
    }

    /** Returns a responder that, when {@code probe}, asks the edge to send no streams on this connection. */
    RegistrationResponder(
            TunnelCredentials credentials, ConnectorIdentity identity, Consumer<String> onVerdict, boolean probe) {
        this.credentials = credentials;
        this.identity = identity;
        this.onVerdict = onVerdict;
        this.probe = probe;
    }

    /** Answers the register request whose headers the dispatcher already read. */
    void answer(ChannelHandlerContext ctx) {
        Http2Headers headers = new DefaultHttp2Headers()
                .status("200")
                .set(TunnelProtocol.TUNNEL_ID, credentials.tunnelId().toString())
                .set(TunnelProtocol.TUNNEL_SECRET, credentials.secret())
                .set(TunnelProtocol.CONNECTOR_NAME, identity.name())
                .set(TunnelProtocol.VERSION, ConnectorVersion.VALUE);
        if (!identity.instanceId().isEmpty()) {
            headers.set(TunnelProtocol.CONNECTOR_INSTANCE, identity.instanceId());
        }
        if (probe) {
            headers.set(TunnelProtocol.PROBE, "1");
        }
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false));
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2DataFrame data) {
                verdict.append(data.content().toString(StandardCharsets.UTF_8));
                if (verdict.toString().equals(TunnelProtocol.REGISTERED) || data.isEndStream()) {
                    onVerdict.accept(verdict.toString());
                    verdict.setLength(0);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
        ctx.read();
    }
}
