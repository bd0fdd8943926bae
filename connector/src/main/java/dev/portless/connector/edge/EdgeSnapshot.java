package dev.portless.connector.edge;

import static java.util.Objects.requireNonNull;

import dev.portless.common.mux.MultiplexedHttp2;
import dev.portless.common.tls.TlsContexts;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.edge.access.ServiceToken;
import dev.portless.connector.edge.access.ServiceTokenAuthenticator;
import dev.portless.connector.edge.config.AppEntry;
import dev.portless.connector.edge.config.EdgeConfig;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.sshca.SshRule;
import dev.portless.connector.edge.streams.StreamTimeouts;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One immutable view of edge.yml as the request path reads it: the apps with their policies, SSH rules
 * and stream timeouts, the service tokens, and the TLS contexts of both listeners. A request or stream
 * reads one snapshot once, so a reload never shows it half of the old file and half of the new.
 *
 * @param config        the settings this snapshot was built from
 * @param apps          the apps by hostname
 * @param sshRules      the SSH rules of the apps that have one, by hostname
 * @param timeouts      each app's stream timeouts, by hostname
 * @param serviceTokens the check of service tokens
 * @param accessTls     the client listener's TLS context
 * @param tunnelTls     the tunnel listener's TLS context
 */
record EdgeSnapshot(
        EdgeConfig config,
        Map<String, AppRoute> apps,
        Map<String, SshRule> sshRules,
        Map<String, StreamTimeouts> timeouts,
        ServiceTokenAuthenticator serviceTokens,
        SslContext accessTls,
        SslContext tunnelTls) {

    /**
     * Returns the snapshot of {@code config}, reading its certificate and key from disk: call it off the
     * event loops.
     *
     * @throws IllegalArgumentException when the certificate or key cannot be read
     */
    static EdgeSnapshot of(EdgeConfig config) {
        requireNonNull(config, "config");
        // The edge chooses by this order among what a client offers: access gets portless-h2, browsers h2.
        SslContext accessTls = TlsContexts.server(
                config.tlsCertificate(),
                config.tlsKey(),
                MultiplexedHttp2.ALPN,
                ApplicationProtocolNames.HTTP_2,
                ApplicationProtocolNames.HTTP_1_1);
        SslContext tunnelTls = TlsContexts.server(config.tlsCertificate(), config.tlsKey(), TunnelProtocol.ALPN);
        return new EdgeSnapshot(
                config,
                config.apps().stream().collect(Collectors.toUnmodifiableMap(AppEntry::hostname, AppEntry::route)),
                config.apps().stream()
                        .filter(a -> a.ssh().isPresent())
                        .collect(Collectors.toUnmodifiableMap(
                                AppEntry::hostname, a -> a.ssh().orElseThrow())),
                config.apps().stream()
                        .collect(Collectors.toUnmodifiableMap(AppEntry::hostname, AppEntry::streamTimeouts)),
                new ServiceTokenAuthenticator(config.serviceTokens().stream()
                        .map(t -> new ServiceToken(t.name(), t.clientId(), t.secretSha256()))
                        .toList()),
                accessTls,
                tunnelTls);
    }
}
