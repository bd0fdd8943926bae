package dev.portless.connector.run;

import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.function.Supplier;

/**
 * The pipeline of each stream the edge opens on a tunnel connection: reads off (the relay decides
 * when to read), then the dispatcher that reads the request and hands the stream on.
 */
final class TunnelStreamInitializer extends ChannelInitializer<Http2StreamChannel> {
    private final Supplier<RegistrationResponder> registration;
    private final StreamRoutes routes;

    TunnelStreamInitializer(Supplier<RegistrationResponder> registration, StreamRoutes routes) {
        this.registration = registration;
        this.routes = routes;
    }

    @Override
    protected void initChannel(Http2StreamChannel stream) {
        stream.config().setAutoRead(false);
        stream.pipeline().addLast("dispatch", new StreamDispatcher(registration, routes));
    }
}
