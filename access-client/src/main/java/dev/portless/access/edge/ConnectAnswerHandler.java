package dev.portless.access.edge;

import dev.portless.common.mux.MultiplexedHttp2;
import dev.portless.common.relay.Http2StreamAdapter;
import dev.portless.common.relay.StreamAnswerHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The handler that waits for the edge's answer to one {@code CONNECT} on a multiplexed
 * connection: {@code 200} leaves the stream to the relay (reads off), anything else is read to its
 * end and turned into the sentence the edge's JSON body holds.
 */
final class ConnectAnswerHandler extends StreamAnswerHandler<Channel> {
    private final EdgeEndpoint edge;
    private final String hostname;
    private final ByteArrayOutputStream errorBody = new ByteArrayOutputStream();
    private int errorStatus;

    ConnectAnswerHandler(
            EdgeEndpoint edge, String hostname, Duration answerTimeout, CompletableFuture<Channel> result) {
        super(answerTimeout, result);
        this.edge = edge;
        this.hostname = hostname;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (errorStatus == 0 && msg instanceof Http2HeadersFrame answer) {
                readAnswer(ctx, answer);
            } else if (errorStatus != 0 && msg instanceof Http2DataFrame data) {
                readErrorBody(ctx, data);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void readAnswer(ChannelHandlerContext ctx, Http2HeadersFrame answer) {
        CharSequence status = answer.headers().status();
        int code = status == null ? 0 : parseStatus(status);
        if (code == 200 && !answer.isEndStream()) {
            // DATA right behind the answer (an sshd's banner) is parked until the relay joins.
            handOver(ctx, new Http2StreamAdapter(), ctx.channel());
            return;
        }
        errorStatus = code == 0 || code == 200 ? 502 : code;
        if (answer.isEndStream()) {
            failWithBody(ctx);
        }
    }

    private void readErrorBody(ChannelHandlerContext ctx, Http2DataFrame data) {
        ByteBuf content = data.content();
        int room = MultiplexedHttp2.MAX_ERROR_BODY - errorBody.size();
        if (room > 0) {
            byte[] bytes = new byte[Math.min(room, content.readableBytes())];
            content.getBytes(content.readerIndex(), bytes);
            errorBody.write(bytes, 0, bytes.length);
        }
        if (data.isEndStream()) {
            failWithBody(ctx);
        }
    }

    private void failWithBody(ChannelHandlerContext ctx) {
        String body = errorBody.toString(StandardCharsets.UTF_8);
        fail(ctx, new AccessException(EdgeErrors.sentence(errorStatus, body, hostname, edge), EdgeErrors.code(body)));
    }

    @Override
    protected Throwable timedOut() {
        return new AccessException(EdgeFailures.noAnswer(edge, hostname, timeout()));
    }

    @Override
    protected Throwable closedEarly() {
        if (errorStatus != 0) {
            String body = errorBody.toString(StandardCharsets.UTF_8);
            return new AccessException(EdgeErrors.sentence(errorStatus, body, hostname, edge), EdgeErrors.code(body));
        }
        return AccessException.brokeBeforeAnswer(
                "The edge at " + edge + " ended the stream before answering for " + hostname + ".");
    }

    @Override
    protected Throwable failed(Throwable cause) {
        return EdgeFailures.brokenConnection(cause, edge);
    }

    private static int parseStatus(CharSequence status) {
        try {
            return Integer.parseInt(status.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
