package dev.portless.it.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.files.OwnerOnlyFiles;
import dev.portless.connector.demo.DemoCertificates;
import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.EchoServer;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.ProcessResult;
import dev.portless.it.peers.TempDirs;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * {@code connector reload} and SIGHUP make {@code connector edge} read edge.yml again: a policy change lets the
 * next stream in, a removed app is refused with its sentence, a setting that needs a restart is named and kept
 * (the command prints all three and exits 0), an invalid file changes nothing and the command prints its line
 * and exits 1, a wrong admin secret is refused, a rotated certificate is served to the next TLS connection after
 * a SIGHUP, and 200 streams open across all of it keep flowing.
 */
// Its processes and ports are its own: runs in the second lane, beside the other classes (junit-platform.properties).
@Execution(ExecutionMode.CONCURRENT)
class EdgeReloadTest {
    private static final String ECHO = "echo.portless.test";
    private static final String CLOSED = "closed.portless.test";
    private static final String REMOVED = "removed.portless.test";
    private static final int OPEN_STREAMS = 200;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void reloadChangesNewStreamsOnlyAndRefusesABadFile() throws Exception {
        String admin = "127.0.0.1:" + FreePorts.next();
        Path secrets = TempDirs.create("portless-reload");
        Path secret = secrets.resolve("admin-secret");
        try (EchoServer echo = EchoServer.start();
                PortlessStack stack = PortlessStack.builder()
                        .edgeFlags("--admin", admin, "--admin-secret-file", secret.toString())
                        .app(ECHO, "tcp://127.0.0.1:" + echo.port())
                        .appClosedToTheToken(CLOSED, "tcp://127.0.0.1:" + echo.port())
                        .app(REMOVED, "tcp://127.0.0.1:" + echo.port())
                        .build()
                        .start()) {
            PortlessStack.AccessTcp tcp = stack.accessTcp(ECHO);
            PortlessStack.AccessTcp closed = stack.accessTcp(CLOSED);
            PortlessStack.AccessTcp removed = stack.accessTcp(REMOVED);
            assertEquals(
                    "", ReloadStreams.roundTrip(closed.port(), "before"), "the policy does not let the token in yet");
            assertEquals(
                    "before", ReloadStreams.roundTrip(removed.port(), "before"), "the app is there before the reload");

            List<Socket> open = new ArrayList<>();
            try {
                ReloadStreams.open(tcp.port(), OPEN_STREAMS, open);
                Path config = stack.edgeConfig();
                String original = Files.readString(config);
                String changed = "browser-session-duration: 2h\n"
                        + original.replace(
                                        "  - hostname: " + CLOSED + "\n    tunnel: tests\n",
                                        "  - hostname: " + CLOSED + "\n    tunnel: tests\n    service-tokens: ["
                                                + PortlessStack.TOKEN_NAME + "]\n")
                                .replace(
                                        "  - hostname: " + REMOVED + "\n    tunnel: tests\n    service-tokens: ["
                                                + PortlessStack.TOKEN_NAME + "]\n",
                                        "");
                assertFalse(changed.contains(REMOVED), "the app's entry is gone from the file");
                Files.writeString(config, changed);
                ProcessResult applied = ReloadStreams.reloadCommand(admin, secret);
                assertEquals(0, applied.exitCode(), applied.toString());
                assertTrue(
                        Pattern.compile("Reloaded .*edge\\.yml: 2 app\\(s\\)")
                                .matcher(applied.stdout())
                                .find(),
                        applied.toString());
                assertTrue(
                        applied.stdout().contains(": apps removed " + REMOVED + ", changed " + CLOSED + "\n"),
                        applied.toString());
                assertTrue(
                        Pattern.compile("Reload kept the running browser-session-duration of .*edge\\.yml:"
                                        + " these settings change only at a restart")
                                .matcher(applied.stdout())
                                .find(),
                        applied.toString());
                stack.edge().awaitOutput(Pattern.compile("Reloaded .*edge\\.yml: 2 app\\(s\\)"), WAIT);
                assertEquals(
                        "after",
                        ReloadStreams.roundTrip(closed.port(), "after"),
                        "the new policy lets the next stream in");
                assertEquals(
                        "", ReloadStreams.roundTrip(removed.port(), "after"), "the removed app refuses new streams");
                removed.process()
                        .awaitOutput(Pattern.compile("Portless has no app at " + Pattern.quote(REMOVED)), WAIT);
                expectEcho(open, "b", "after the reload");

                // Line 2 of the file gets a key edge.yml does not have.
                ReloadStreams.expectRefusedAtLine2(config, changed, admin, secret);
                stack.edge()
                        .awaitOutput(
                                Pattern.compile("Reload refused, the running configuration stays: .*edge\\.yml:2:"),
                                WAIT);
                Path wrongSecret = secrets.resolve("wrong-admin-secret");
                OwnerOnlyFiles.createFile(wrongSecret, "0".repeat(64).getBytes(StandardCharsets.US_ASCII));
                ProcessResult wrong = ReloadStreams.reloadCommand(admin, wrongSecret);
                assertEquals(1, wrong.exitCode(), wrong.toString());
                assertTrue(
                        wrong.stderr().contains("the program refused: wrong or missing admin secret"),
                        wrong.toString());
                assertEquals("still", ReloadStreams.roundTrip(closed.port(), "still"), "the running settings stay");
                expectEcho(open, "c", "after the refused reload");

                // The certificate rotates: a new one from disk for new TLS connections, open ones keep theirs.
                Path rotated = stack.dir().resolve("rotated");
                Files.createDirectories(rotated);
                DemoCertificates.write(rotated, List.of("localhost", "*.portless.test"), List.of("127.0.0.1"));
                BigInteger before = servedSerial(stack.edgePort(), stack.caFile());
                assertEquals(serial(stack.dir().resolve("edge.pem")), before, "the first certificate is served");
                Files.writeString(
                        config,
                        changed.replace("certificate: edge.pem", "certificate: rotated/edge.pem")
                                .replace("key: edge-key.pem", "key: rotated/edge-key.pem"));
                ReloadStreams.hangUp(stack.edge());
                stack.edge().awaitOutput(Pattern.compile("Reloaded .*the certificate .*rotated/edge\\.pem"), WAIT);
                assertEquals(
                        serial(rotated.resolve("edge.pem")),
                        servedSerial(stack.edgePort(), rotated.resolve("ca.pem")),
                        "a new TLS connection gets the rotated certificate");
                expectEcho(open, "d", "after the certificate rotated");
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
        } finally {
            TempDirs.delete(secrets);
        }
    }

    private static void expectEcho(List<Socket> open, String text, String when) throws IOException {
        for (int i = 0; i < open.size(); i++) {
            assertEquals(text, ReloadStreams.exchange(open.get(i), text), "stream " + i + " " + when);
        }
    }

    /** Returns the serial of the certificate the edge's client listener serves, verified against {@code ca}. */
    private static BigInteger servedSerial(int port, Path ca) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificate(ca));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private static BigInteger serial(Path pem) throws Exception {
        return certificate(pem).getSerialNumber();
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
