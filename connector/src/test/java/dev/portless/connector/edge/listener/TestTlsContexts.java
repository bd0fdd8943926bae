package dev.portless.connector.edge.listener;

import dev.portless.connector.demo.DemoCertificates;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The TLS contexts of the listener tests: a server with a demo certificate for {@link #HOST}, and a client
 * that trusts any certificate.
 *
 * @param server the edge's side
 * @param client the peer's side
 */
record TestTlsContexts(SslContext server, SslContext client) {
    static final String HOST = "edge.example.com";

    /** Returns new contexts, with a certificate written to a temporary directory. */
    static TestTlsContexts create() {
        try {
            return of(Files.createTempDirectory("listener-tls"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TestTlsContexts of(Path dir) throws SSLException {
        DemoCertificates.write(dir, List.of(HOST), List.of());
        return new TestTlsContexts(
                SslContextBuilder.forServer(
                                dir.resolve("edge.pem").toFile(),
                                dir.resolve("edge-key.pem").toFile())
                        .build(),
                SslContextBuilder.forClient()
                        .trustManager(InsecureTrustManagerFactory.INSTANCE)
                        .build());
    }
}
