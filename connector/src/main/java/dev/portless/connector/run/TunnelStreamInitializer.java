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
    private final Supplier<StreamRoutes> routes;

    /** {@code routes} is asked once per stream: a reload changes where new streams go, never open ones. */
    TunnelStreamInitializer(Supplier<RegistrationResponder> registration, Supplier<StreamRoutes> routes) {
        this.registration = registration;
        this.routes = routes;
    }

    @Override
    protected void initChannel(Http2StreamChannel stream) {
        stream.config().setAutoRead(false);
        stream.pipeline().addLast("dispatch", new StreamDispatcher(registration, routes.get()));
    }
}
