package dev.portless.connector.edge.tunnel;

import dev.portless.common.relay.Http2StreamAdapter;
import dev.portless.common.relay.StreamAnswerHandler;
import dev.portless.common.wire.StreamError;
import dev.portless.common.wire.TunnelProtocol;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Streams opened on a connector connection: it sends the stream request and completes when
 * the connector has dialed the target (or failed to).
 */
public final class StreamOpener {
    private final Duration answerTimeout;

    /** Returns an opener that waits at most {@code answerTimeout} for the connector's answer. */
    public StreamOpener(Duration answerTimeout) {
        this.answerTimeout = answerTimeout;
    }

    /** Returns a future of the opened stream, failed with a {@link StreamOpenException}. */
    public CompletableFuture<OpenedStream> open(ConnectorConnection connection, Http2Headers request) {
        CompletableFuture<OpenedStream> result = new CompletableFuture<>();
        openExchange(connection, request, false, new AnswerHandler(connection, result))
                .whenComplete((child, failure) -> {
                    if (failure != null) {
                        result.completeExceptionally(failure);
                    } else {
                        child.read();
                    }
                });
        return result;
    }

    /**
     * Returns a future of a stream opened on {@code connection}: its {@code request} headers sent
     * (ending the stream when {@code endStream}), reads off, and {@code handler} in its pipeline to
     * read whatever the connector answers. Fails with a {@link StreamOpenException} when the
     * connection takes no new stream.
     */
    public CompletableFuture<Http2StreamChannel> openExchange(
            ConnectorConnection connection, Http2Headers request, boolean endStream, ChannelHandler handler) {
        CompletableFuture<Http2StreamChannel> result = new CompletableFuture<>();
        new Http2StreamChannelBootstrap(connection.channel())
                .option(ChannelOption.AUTO_READ, false)
                .handler(handler)
                .open()
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        result.completeExceptionally(refusedStream(connection, f.cause()));
                        return;
                    }
                    Http2StreamChannel child = (Http2StreamChannel) f.getNow();
                    connection.streamOpened();
                    child.closeFuture().addListener(c -> connection.streamClosed());
                    child.writeAndFlush(new DefaultHttp2HeadersFrame(request, endStream));
                    result.complete(child);
                });
        return result;
    }

    private static StreamOpenException refusedStream(ConnectorConnection connection, Throwable cause) {
        return new StreamOpenException(
                StreamError.NO_CONNECTOR,
                "The connector " + connection.connectorName() + " refused a new stream (" + cause.getMessage()
                        + "); try again.");
    }

    /** Waits for the response headers, then leaves the pipeline to the relay. */
    private final class AnswerHandler extends StreamAnswerHandler<OpenedStream> {
        private final ConnectorConnection connection;

        AnswerHandler(ConnectorConnection connection, CompletableFuture<OpenedStream> result) {
            super(answerTimeout, result);
            this.connection = connection;
        }

        @Override
        protected Throwable timedOut() {
            return new StreamOpenException(
                    StreamError.CONNECTOR_TIMEOUT,
                    "The connector "
                            + connection.connectorName() + " did not answer within " + answerTimeout.toSeconds()
                            + " s; check its logs.");
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof Http2HeadersFrame frame)) {
                ReferenceCountUtil.release(msg);
                ctx.read();
                return;
            }
            Http2Headers headers = frame.headers();
            answered();
            CharSequence status = headers.status();
            // An origin's own answer to an upgrade (any status) goes on to the browser as it is.
            if (status != null && ("200".contentEquals(status) || originAnswer(headers))) {
                CharSequence target = headers.get(TunnelProtocol.TARGET);
                handOver(
                        ctx,
                        new Http2StreamAdapter(),
                        new OpenedStream(
                                (Http2StreamChannel) ctx.channel(),
                                target == null ? "?" : target.toString(),
                                connection,
                                headers));
                return;
            }
            StreamError error = StreamError.fromCode(string(headers.get(TunnelProtocol.ERROR)))
                    .orElse(StreamError.INTERNAL);
            String message = string(headers.get(TunnelProtocol.MESSAGE));
            fail(
                    ctx,
                    new StreamOpenException(
                            error,
                            message != null
                                    ? message
                                    : "The connector answered HTTP " + status + " to the stream request."));
        }

        @Override
        protected Throwable closedEarly() {
            return new StreamOpenException(
                    StreamError.NO_CONNECTOR,
                    "The connection to connector " + connection.connectorName()
                            + " closed before it answered; try again.");
        }

        @Override
        protected Throwable failed(Throwable cause) {
            return new StreamOpenException(
                    StreamError.INTERNAL,
                    "The stream to connector " + connection.connectorName() + " failed: " + cause.getMessage());
        }

        private boolean originAnswer(Http2Headers headers) {
            CharSequence upgraded = headers.get(TunnelProtocol.UPGRADED);
            return upgraded != null && TunnelProtocol.UPGRADED_NO.contentEquals(upgraded);
        }

        private String string(CharSequence s) {
            return s == null ? null : s.toString();
        }
    }
}
