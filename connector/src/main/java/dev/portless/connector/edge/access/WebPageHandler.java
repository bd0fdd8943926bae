package dev.portless.connector.edge.access;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.pages.WebEndpoints;
import dev.portless.connector.edge.pages.WebRequest;
import dev.portless.connector.edge.pages.WebResponse;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler of the edge's own pages on a client connection (sign-in, identity, OAuth, JWKS): it
 * hands the request to the web endpoints, which answer off the event loop, and writes the answer,
 * one request at a time per connection.
 */
final class WebPageHandler implements ClientRequestHandler {
    private static final Logger log = LoggerFactory.getLogger(WebPageHandler.class);

    private final WebEndpoints web;

    WebPageHandler(WebEndpoints web) {
        this.web = requireNonNull(web, "web");
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, InetAddress client) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean head = HttpMethod.HEAD.equals(request.method());
        WebRequest page;
        try {
            page = WebExchange.request(request, client);
        } finally {
            request.release();
        }
        web.handle(page)
                .whenComplete((response, failure) -> ctx.executor().execute(() -> {
                    WebResponse answer = response;
                    if (failure != null) {
                        log.warn(
                                "{} {} from {} failed: {}",
                                page.method(),
                                page.path(),
                                page.client().getHostAddress(),
                                failure.toString());
                        answer = WebResponse.text(500, "The edge failed to answer this request; try again.");
                    }
                    if (!ctx.channel().isActive()) {
                        return;
                    }
                    ctx.writeAndFlush(WebExchange.response(answer, keepAlive, head, ctx.alloc()))
                            .addListener((ChannelFutureListener) f -> {
                                if (keepAlive && f.isSuccess()) {
                                    ctx.read();
                                } else {
                                    ctx.close();
                                }
                            });
                }));
    }
}
