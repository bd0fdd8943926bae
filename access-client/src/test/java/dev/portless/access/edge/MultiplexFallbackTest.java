package dev.portless.access.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.access.limits.AccessLimits;
import dev.portless.access.testing.FakeEdge;
import dev.portless.access.testing.TestCertificates;
import dev.portless.common.mux.MultiplexedHttp2;
import dev.portless.common.net.Transport;
import dev.portless.common.tls.TlsContexts;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edge that does not offer multiplexed connections (an older edge, or one behind a TLS proxy that
 * only speaks HTTP/1.1) still gets every stream: the CLI falls back to one WebSocket each, with the
 * same credentials and the same error sentences.
 */
class MultiplexFallbackTest {
    private static final String APP = "db.example.com";
    static TestCertificates certificates;
    static EventLoopGroup group;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        certificates = TestCertificates.create(dir);
        group = Transport.best().newGroup(1, "test");
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void streamsGoOneWebSocketEachWhenTheEdgeDoesNotMultiplex() throws Exception {
        try (FakeEdge edge = FakeEdge.start(certificates, headers -> null)) {
            EdgeDialer dialer = dialer(edge);
            Credentials token = Credentials.serviceToken("ci.access", "s3cret");
            for (int i = 0; i < 3; i++) {
                Channel stream = dialer.open(group.next(), APP, token).get(10, TimeUnit.SECONDS);
                assertTrue(stream.isActive());
                stream.close();
            }
            assertEquals(3, edge.requests().size(), "one upgrade per stream");
            assertEquals("s3cret", edge.requests().get(2).get("Access-Client-Secret"));
        }
    }

    @Test
    void refusalsReadTheSameAfterTheFallBack() throws Exception {
        try (FakeEdge edge = FakeEdge.start(
                certificates,
                headers -> new FakeEdge.Refusal(
                        404,
                        "{\"error\":\"unknown_app\",\"message\":\"Portless has no app at db.example.com; check --hostname.\"}"))) {
            ExecutionException e = assertThrows(
                    ExecutionException.class,
                    () -> dialer(edge)
                            .open(group.next(), APP, Credentials.serviceToken("ci.access", "s3cret"))
                            .get(10, TimeUnit.SECONDS));
            AccessException refused = assertInstanceOf(AccessException.class, e.getCause());
            assertEquals("Portless has no app at db.example.com; check --hostname.", refused.getMessage());
            assertEquals(Optional.of("unknown_app"), refused.edgeError());
        }
    }

    private static EdgeDialer dialer(FakeEdge edge) {
        Optional<Path> ca = Optional.of(certificates.caPem());
        return EdgeDialer.multiplexing(
                EdgeEndpoint.parse(edge.url()),
                TlsContexts.client(ca, MultiplexedHttp2.ALPN, "http/1.1"),
                TlsContexts.client(ca, "http/1.1"),
                Transport.best(),
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                AccessLimits.IDLE_CONNECTION_CLOSE);
    }
}
