package dev.portless.connector.edge.access;

import dev.portless.connector.edge.pages.WebResponse;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.tunnel.StreamOpener;
import dev.portless.connector.edge.tunnel.TunnelRegistry;
import java.net.URI;
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

    /** Returns what the client connections of this edge share, checking credentials with {@code authenticator}. */
    static StreamServices services(AccessAuthenticator authenticator) {
        return new StreamServices(
                host -> host.equals(APP) ? Optional.of(ROUTE) : Optional.empty(),
                authenticator,
                new TunnelRegistry(),
                new StreamOpener(Duration.ofSeconds(1)),
                new AtomicLong(),
                ISSUER,
                request -> CompletableFuture.completedFuture(WebResponse.text(200, "page " + request.path())));
    }
}
