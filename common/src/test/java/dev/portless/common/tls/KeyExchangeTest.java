package dev.portless.common.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Handshakes between the contexts every hop uses (client↔edge, connector↔edge), reading the group each end
 * agreed on from BoringSSL.
 */
class KeyExchangeTest {
    @TempDir
    static Path dir;

    private static Path certificate;
    private static Path key;

    @BeforeAll
    static void certificate() throws Exception {
        assertTrue(OpenSsl.isAvailable(), "BoringSSL must load here: " + OpenSsl.unavailabilityCause());
        // keytool ships with every JDK, so the test needs no other tool to make a certificate.
        final Path store = dir.resolve("edge.p12");
        final Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-keystore",
                        store.toString(),
                        "-storetype",
                        "PKCS12",
                        "-storepass",
                        "changeit",
                        "-alias",
                        "edge",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "san=dns:localhost",
                        "-validity",
                        "2")
                .redirectErrorStream(true)
                .start();
        final String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, keytool.waitFor(), output);
        final KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(store.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        final Certificate cert = ks.getCertificate("edge");
        certificate = Files.writeString(dir.resolve("edge.pem"), pem("CERTIFICATE", cert.getEncoded()));
        key = Files.writeString(
                dir.resolve("edge-key.pem"),
                pem("PRIVATE KEY", ks.getKey("edge", "changeit".toCharArray()).getEncoded()));
    }

    @Test
    void everyHopAgreesOnThePostQuantumHybridAtBothEnds() throws Exception {
        final SslContext server = TlsContexts.server(certificate, key, "portless-test");
        final SslContext client = TlsContexts.client(Optional.of(certificate), "portless-test");
        final SslHandler[] ends = handshake(client, server);

        assertEquals(Optional.of("X25519MLKEM768"), KeyExchange.negotiatedGroup(ends[0]), "client end");
        assertEquals(Optional.of("X25519MLKEM768"), KeyExchange.negotiatedGroup(ends[1]), "server end");
        assertEquals("TLSv1.3, key exchange X25519MLKEM768 (post-quantum)", KeyExchange.describe(ends[0]));
    }

    @Test
    void aClientWithoutTheHybridStillConnectsOverAClassicalGroup() throws Exception {
        final SslContext server = TlsContexts.server(certificate, key, "portless-test");
        final SslContext jdkClient = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .trustManager(certificate.toFile())
                .protocols("TLSv1.3")
                .build();
        final SslHandler[] ends = handshake(jdkClient, server);

        final String group = KeyExchange.negotiatedGroup(ends[1]).orElseThrow();
        assertTrue(List.of("X25519", "P-256", "P-384").contains(group), group);
        assertEquals(Optional.empty(), KeyExchange.negotiatedGroup(ends[0]), "the JDK's TLS does not report it");
    }

    /** Returns the client's and the server's handler after a handshake run over two embedded channels. */
    private static SslHandler[] handshake(SslContext client, SslContext server) throws Exception {
        final EmbeddedChannel c = new EmbeddedChannel();
        final EmbeddedChannel s = new EmbeddedChannel();
        final SslHandler clientSsl = client.newHandler(c.alloc(), "localhost", 443);
        final SslHandler serverSsl = server.newHandler(s.alloc());
        c.pipeline().addLast(clientSsl);
        s.pipeline().addLast(serverSsl);
        for (int i = 0;
                i < 50
                        && !(clientSsl.handshakeFuture().isDone()
                                && serverSsl.handshakeFuture().isDone());
                i++) {
            pump(c, s);
            pump(s, c);
        }
        assertTrue(
                clientSsl.handshakeFuture().isSuccess(),
                String.valueOf(clientSsl.handshakeFuture().cause()));
        assertTrue(
                serverSsl.handshakeFuture().isSuccess(),
                String.valueOf(serverSsl.handshakeFuture().cause()));
        return new SslHandler[] {clientSsl, serverSsl};
    }

    private static void pump(EmbeddedChannel from, EmbeddedChannel to) {
        ByteBuf out;
        while ((out = from.readOutbound()) != null) {
            to.writeInbound(out);
        }
        from.runPendingTasks();
        to.runPendingTasks();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
