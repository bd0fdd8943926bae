package dev.portless.connector.edge.access;

import dev.portless.connector.edge.config.EdgeLimits;
import dev.portless.connector.edge.events.EdgeEvents;
import dev.portless.connector.edge.pages.WebResponse;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.streams.OpenStreams;
import dev.portless.connector.edge.streams.StreamTimeouts;
import dev.portless.connector.edge.tunnel.StreamOpener;
import dev.portless.connector.edge.tunnel.TunnelRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** An edge with one app and no connector online, whose web pages answer 200 with their path. */
final class TestEdge {
    static final URI ISSUER = URI.create("https://edge.example.com");
    static final String APP = "db.example.com";
    static final AppRoute ROUTE = new AppRoute(APP, "office", Set.of("ci"));

    private TestEdge() {}

    /** Returns a client connection's HTTP/1.1 pipeline (no TLS) of an edge with {@code services}. */
    static EmbeddedChannel http1(StreamServices services) {
        StreamAdmission admission = new StreamAdmission(services);
        EmbeddedChannel channel = new EmbeddedChannel();
        AccessListenerInitializer.http1(
                channel.pipeline(),
                admission,
                new WebSocketStreamHandler(admission),
                new WebPageHandler(services.web()),
                EdgeLimits.DEFAULTS);
        return channel;
    }

    /** Returns what the client reads back from {@code connection} after sending {@code request}. */
    static String exchange(EmbeddedChannel connection, String request) {
        connection.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        connection.runPendingTasks();
        StringBuilder out = new StringBuilder();
        for (ByteBuf b = connection.readOutbound(); b != null; b = connection.readOutbound()) {
            out.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return out.toString();
    }

    /** Returns what the client connections of this edge share, checking credentials with {@code authenticator}. */
    static StreamServices services(AccessAuthenticator authenticator) {
        return services(authenticator, new TunnelRegistry());
    }

    /** Returns what the client connections of an edge with the connectors of {@code registry} share. */
    static StreamServices services(AccessAuthenticator authenticator, TunnelRegistry registry) {
        return new StreamServices(
                host -> host.equals(APP) ? Optional.of(ROUTE) : Optional.empty(),
                authenticator,
                registry,
                new StreamOpener(Duration.ofSeconds(1)),
                new AtomicLong(),
                ISSUER,
                request -> CompletableFuture.completedFuture(WebResponse.text(200, "page " + request.path())),
                EdgeEvents.NONE,
                new OpenStreams(app -> StreamTimeouts.NONE));
    }
}
