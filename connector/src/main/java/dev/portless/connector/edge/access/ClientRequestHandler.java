package dev.portless.connector.edge.access;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import java.net.InetAddress;

/**
 * The handler of one kind of HTTP/1.1 request on a client connection, as
 * {@link ClientRequestDispatcher} chose it. It owns the request (releases it) and decides when the
 * connection reads again.
 */
interface ClientRequestHandler {
    /** Answers {@code request} from {@code client} on the dispatcher's {@code ctx}. */
    void handle(ChannelHandlerContext ctx, FullHttpRequest request, InetAddress client);
}
