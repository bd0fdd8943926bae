package dev.portless.access.login;

import dev.portless.access.edge.AccessException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The handler that checks one request to the loopback listener and, if it is the
 * browser's redirect for this sign-in, hands its code over.
 *
 * <p>Checks, in order: method GET; {@code Host} exactly {@code 127.0.0.1:PORT} (400 otherwise, so
 * a page on another site that rebinds its DNS name to 127.0.0.1 cannot talk to the listener); path
 * {@code /callback} (404); {@code state} equal to the one sent (400 otherwise). A refused request never ends
 * the sign-in: it keeps waiting for the browser's real redirect until its own timeout.
 */
final class CallbackHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final byte[] state;
    private final String app;
    private final Optional<URI> notAllowedPage;
    private final CompletableFuture<BrowserCallback> callback;

    CallbackHandler(
            String state, String app, Optional<URI> notAllowedPage, CompletableFuture<BrowserCallback> callback) {
        this.state = state.getBytes(StandardCharsets.US_ASCII);
        this.app = app;
        this.notAllowedPage = notAllowedPage;
        this.callback = callback;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        int port = ((InetSocketAddress) ctx.channel().localAddress()).getPort();
        if (!request.method().equals(HttpMethod.GET)) {
            refuse(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "Only GET is served here.");
            return;
        }
        if (!("127.0.0.1:" + port).equals(request.headers().get(HttpHeaderNames.HOST))) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "This listener answers only http://127.0.0.1:" + port + ".");
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        if (!uri.path().equals(LoopbackRedirectListener.PATH)) {
            refuse(ctx, HttpResponseStatus.NOT_FOUND, "Nothing here.");
            return;
        }
        if (callback.isDone()) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "This sign-in has already been answered.");
            return;
        }
        Map<String, List<String>> params = uri.parameters();
        String echoed = single(params, "state");
        if (echoed == null || !MessageDigest.isEqual(state, echoed.getBytes(StandardCharsets.UTF_8))) {
            // Anyone on this machine, or any page the browser opens, can send this request: it must not be
            // able to end the sign-in in progress, so it is answered and otherwise ignored.
            refuse(
                    ctx,
                    HttpResponseStatus.BAD_REQUEST,
                    "This answer does not belong to the sign-in in progress (state mismatch) and was ignored.");
            return;
        }
        String error = single(params, "error");
        if (error != null) {
            String sentence = SignInErrors.sentence(error, single(params, "error_description"), app);
            if (error.equals("access_denied") && notAllowedPage.isPresent()) {
                CallbackPages.send(ctx.channel(), CallbackPages.seeOther(notAllowedPage.get()))
                        .addListener(f -> callback.completeExceptionally(new AccessException(sentence)));
            } else {
                fail(ctx, sentence);
            }
            return;
        }
        String code = single(params, "code");
        if (code == null || code.isEmpty()) {
            fail(ctx, "The browser's answer carried no authorization code; run `access login " + app + "` again.");
            return;
        }
        callback.complete(new BrowserCallback(code, ctx.channel()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A browser connection that times out or breaks is not the sign-in's failure.
        ctx.close();
    }

    private void fail(ChannelHandlerContext ctx, String sentence) {
        // Fail only once the page is out: the sign-in closes the listener as soon as it fails.
        CallbackPages.send(ctx.channel(), CallbackPages.failed(sentence))
                .addListener(f -> callback.completeExceptionally(new AccessException(sentence)));
    }

    private static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
        CallbackPages.send(ctx.channel(), CallbackPages.status(status, message));
    }

    private static String single(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.size() != 1 ? null : values.get(0);
    }
}
