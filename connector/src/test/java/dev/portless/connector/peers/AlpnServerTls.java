package dev.portless.connector.peers;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * The server TLS context of a test origin: the certificate and key {@code DemoCertificates} wrote to a
 * directory, offering the given ALPN protocols and choosing none when the client offers none of them.
 */
public final class AlpnServerTls {
    private AlpnServerTls() {}

    /** Returns the context of the certificate in {@code dir}, offering {@code protocols} in ALPN. */
    public static SslContext offering(Path dir, String... protocols) throws SSLException {
        return SslContextBuilder.forServer(
                        dir.resolve("edge.pem").toFile(),
                        dir.resolve("edge-key.pem").toFile())
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        protocols))
                .build();
    }
}
