package dev.portless.connector.run;

import dev.portless.common.wire.StreamError;
import dev.portless.connector.ingress.HelloWorldService;
import dev.portless.connector.ingress.IngressRule;
import dev.portless.connector.ingress.IngressRules;
import dev.portless.connector.ingress.OriginService;
import dev.portless.connector.ingress.StatusService;
import dev.portless.connector.origin.HelloWorldPage;
import dev.portless.connector.origin.OriginProxy;
import dev.portless.connector.origin.WebRequest;
import dev.portless.connector.tunnel.StreamRefusal;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * The connector's handling of a web request stream ({@code portless-kind: http} or {@code websocket}):
 * the same gate as TCP streams, then the ingress rule of its hostname and path decides: a web origin is
 * proxied, {@code hello-world} answers its page, a TCP rule carries a WebSocket stream as a TCP stream
 * (what cloudflared's clients and the browser fallback of {@code access} need) and refuses plain web
 * requests, and a status rule answers its status.
 */
final class WebStreams {
    private final IngressRules ingress;
    private final StreamGate gate;
    private final TargetDialer tcp;
    private final OriginProxy proxy;
    private final StreamCounter streams;

    WebStreams(IngressRules ingress, StreamGate gate, TargetDialer tcp, OriginProxy proxy, StreamCounter streams) {
        this.ingress = ingress;
        this.gate = gate;
        this.tcp = tcp;
        this.proxy = proxy;
        this.streams = streams;
    }

    /** Serves the stream of {@code request}, whose pipeline ends with its stream adapter and hold. */
    void serve(Channel stream, Http2Headers request, boolean hasBody, boolean websocket) {
        gate.admit(
                stream,
                request,
                (s, hostname, streamId, token, verified) ->
                        route(s, new WebRequest(request, hasBody, websocket, hostname, streamId, token, verified)));
    }

    private void route(Channel stream, WebRequest request) {
        String path = request.path();
        int query = path.indexOf('?');
        IngressRule rule = ingress.matchWeb(request.hostname(), query < 0 ? path : path.substring(0, query));
        if (rule.service() instanceof OriginService) {
            streams.opened();
            proxy.proxy(stream, request, rule).whenComplete((v, t) -> streams.closed());
        } else if (rule.service() instanceof HelloWorldService) {
            HelloWorldPage.answer(stream, request);
        } else if (rule.service() instanceof StatusService status) {
            answerStatus(stream, rule, status, request);
        } else if (request.websocket()) {
            // A TCP rule: the browser's or cloudflared's WebSocket carries the TCP stream, as ever.
            stream.attr(TargetDialer.REQUESTED).set(System.nanoTime());
            tcp.admitted(stream, request.headers(), request.hostname(), request.streamId(), request.verified());
        } else {
            StreamRefusal.refuse(
                    stream, StreamError.NOT_HTTP, request.hostname() + " is a TCP app; reach it with access tcp");
        }
    }

    private static void answerStatus(Channel stream, IngressRule rule, StatusService status, WebRequest request) {
        if (rule.isCatchAll()) {
            StreamRefusal.refuse(
                    stream,
                    StreamError.NO_INGRESS,
                    "No ingress rule of the connector matches " + request.hostname() + request.path()
                            + "; add one to its connector.yml.");
            return;
        }
        Http2Headers headers = new DefaultHttp2Headers().status(Integer.toString(status.status()));
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true)).addListener(ChannelFutureListener.CLOSE);
    }
}
