package dev.portless.connector.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.net.Transport;
import dev.portless.common.tls.TlsContexts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's edge certificate carries every app's name, so clients verify the edge by the app's name. */
class DemoCertificateNamesTest {
    @TempDir
    Path dir;

    @Test
    void theCertificateNamesEveryAppOfTheDemo() {
        DemoSetup.DemoFiles files = DemoSetup.prepare(dir, 18443, 17844, 19000);
        Set<String> names = DemoCertificates.names(files.edgeCertificate());
        assertTrue(names.containsAll(DemoSetup.APPS), names.toString());
        assertTrue(names.contains("echo.demo.portless.test") && names.contains("ssh.demo.portless.test"));
    }

    @Test
    void aCertificateFromBeforeTheAppsWereNamedIsReplaced() throws IOException {
        DemoCertificates.write(dir, List.of("localhost", "edge.demo.portless.test"), List.of("127.0.0.1"));
        String oldCa = Files.readString(dir.resolve("ca.pem"));
        DemoSetup.DemoFiles files = DemoSetup.prepare(dir, 18443, 17844, 19000);
        assertTrue(DemoCertificates.names(files.edgeCertificate()).containsAll(DemoSetup.APPS));
        assertTrue(!oldCa.equals(Files.readString(files.ca())), "a new CA signs the new certificate");
        // Kept from then on: a second start does not replace what clients already trust.
        String ca = Files.readString(files.ca());
        DemoSetup.prepare(dir, 18443, 17844, 19000);
        assertEquals(ca, Files.readString(files.ca()));
    }

    @Test
    void aClientThatVerifiesTheNameReachesEachAppAndNoOtherName() throws Exception {
        DemoSetup.DemoFiles files = DemoSetup.prepare(dir, 18443, 17844, 19000);
        SslContext server = TlsContexts.server(files.edgeCertificate(), dir.resolve("edge-key.pem"));
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(1, "demo-tls-test");
        try {
            Channel listener = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel())
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(server.newHandler(ch.alloc()));
                        }
                    })
                    .bind(InetAddress.getLoopbackAddress(), 0)
                    .sync()
                    .channel();
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            SSLContext client = trusting(files.ca());
            for (String app : DemoSetup.APPS) {
                handshake(client, port, app);
            }
            assertThrows(SSLHandshakeException.class, () -> handshake(client, port, "other.portless.test"));
            listener.close().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    /** Connects to loopback as a client would after an /etc/hosts line sent {@code name} there. */
    private static void handshake(SSLContext context, int port, String name) throws IOException {
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
                SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, name, port, true)) {
            tls.setSoTimeout(10_000);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
            tls.startHandshake();
        }
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
            anchors.setCertificateEntry("demo-ca", ca);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(anchors);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
