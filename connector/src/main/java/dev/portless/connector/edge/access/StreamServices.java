package dev.portless.connector.edge.access;

import dev.portless.connector.edge.events.EdgeEvents;
import dev.portless.connector.edge.pages.WebEndpoints;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.streams.OpenStreams;
import dev.portless.connector.edge.tunnel.StreamOpener;
import dev.portless.connector.edge.tunnel.TunnelRegistry;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * What every client connection of one edge shares.
 *
 * @param apps          finds an app by its lower-case hostname
 * @param authenticator checks credentials against an app
 * @param registry      the connectors online
 * @param opener        opens streams on a connector
 * @param streamIds     the source of stream ids for logs
 * @param issuer        the edge's public URL, named in 401 answers so clients can find the sign-in
 * @param web           answers every request that is not a stream upgrade
 * @param events        hears of streams, refusals and web requests (metrics, audit)
 * @param streams       the streams relayed now, for drain and the apps' stream timeouts
 */
public record StreamServices(
        Function<String, Optional<AppRoute>> apps,
        AccessAuthenticator authenticator,
        TunnelRegistry registry,
        StreamOpener opener,
        AtomicLong streamIds,
        URI issuer,
        WebEndpoints web,
        EdgeEvents events,
        OpenStreams streams) {}
