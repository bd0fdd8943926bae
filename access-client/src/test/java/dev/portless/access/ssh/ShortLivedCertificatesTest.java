package dev.portless.access.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpServer;
import dev.portless.access.edge.AccessException;
import dev.portless.access.edge.EdgeEndpoint;
import dev.portless.access.login.AppSignIn;
import dev.portless.access.login.SignInFlow;
import dev.portless.access.login.SignInSettings;
import dev.portless.access.testing.TestTokens;
import dev.portless.access.token.CachedToken;
import dev.portless.access.token.TokenCache;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code access ssh-gen}'s key and certificate handling against a stand-in for the edge's {@code /ssh/sign}. */
class ShortLivedCertificatesTest {
    private static final String APP = "ssh.example.com";
    private static final String EDGE = "https://edge.example.com";

    @TempDir
    Path config;

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicReference<Duration> lifetime = new AtomicReference<>(Duration.ofMinutes(5));
    private final AtomicReference<String> authorization = new AtomicReference<>();
    private KeyPair ca;

    @BeforeEach
    void start() throws Exception {
        ca = KeyUtils.generateKeyPair("ssh-ed25519", 256);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(ShortLivedCertificates.SIGN_PATH, x -> {
            requests.incrementAndGet();
            authorization.set(x.getRequestHeaders().getFirst("Authorization"));
            String answer;
            int status = 200;
            try {
                String line = (String)
                        JSONObjectUtils.parse(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                                .get("public_key");
                if (line.startsWith("ssh-rsa")) {
                    throw new IllegalArgumentException("no");
                }
                PublicKey key = AuthorizedKeyEntry.parseAuthorizedKeyEntry(line)
                        .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
                Instant now = Instant.now();
                String cert = PublicKeyEntry.toString(OpenSshCertificateBuilder.userCertificate()
                        .publicKey(key)
                        .serial(1)
                        .id("alice@example.com")
                        .principals(List.of("alice"))
                        .validAfter(now.minusSeconds(60))
                        .validBefore(now.plus(lifetime.get()))
                        .sign(ca));
                answer = JSONObjectUtils.toJSONString(Map.of(
                        "certificate",
                        cert + " alice@example.com",
                        "valid_before",
                        now.plus(lifetime.get()).getEpochSecond()));
            } catch (Exception e) {
                status = 403;
                answer = "{\"error\":\"forbidden\",\"error_description\":\"Not for you.\"}";
            }
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(status, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private AppSignIn signIn() throws Exception {
        TokenCache cache = TokenCache.in(config);
        cache.store(new CachedToken(
                EDGE,
                APP,
                TestTokens.mint(EDGE, APP, "alice@example.com", Duration.ofHours(1)),
                Instant.now().plus(Duration.ofHours(1)),
                "alice@example.com"));
        SignInSettings settings = new SignInSettings(
                EdgeEndpoint.parse(EDGE),
                APP,
                Optional.empty(),
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                SignInFlow.DEVICE);
        return new AppSignIn(
                settings,
                cache,
                uri -> {
                    throw new AssertionError("no sign-in expected");
                },
                new PrintWriter(new StringWriter()));
    }

    private Path ensure(ShortLivedCertificates keys) throws Exception {
        return keys.ensure(
                signIn(),
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                SSLContext.getDefault(),
                Duration.ofSeconds(5));
    }

    @Test
    void makesTheKeyOnceAndRenewsOnlyNearExpiry() throws Exception {
        ShortLivedCertificates keys =
                new ShortLivedCertificates(TokenCache.in(config).directory(), Clock.systemUTC());
        Path key = ensure(keys);
        assertEquals(keys.keyFile(APP), key);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertTrue(Files.readString(key).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----"));
        Path cert = ShortLivedCertificates.certificateFile(key);
        assertTrue(Files.readString(cert).startsWith("ssh-ed25519-cert-v01@openssh.com "), Files.readString(cert));
        assertEquals(1, requests.get());
        assertTrue(authorization.get().startsWith("Bearer ey"), authorization.get());
        String keyText = Files.readString(key);

        ensure(keys);
        assertEquals(1, requests.get(), "a fresh certificate is reused");

        lifetime.set(Duration.ofSeconds(30));
        Files.delete(cert);
        ensure(keys);
        assertEquals(2, requests.get());
        ensure(keys);
        assertEquals(3, requests.get(), "a certificate expiring within 60 s is replaced");
        assertEquals(keyText, Files.readString(key), "the key is reused");
    }

    @Test
    void refusalIsOneSentence() throws Exception {
        ShortLivedCertificates keys =
                new ShortLivedCertificates(TokenCache.in(config).directory(), Clock.systemUTC());
        dev.portless.common.files.OwnerOnlyFiles.createDirectories(
                keys.keyFile(APP).getParent());
        // An RSA key already in place: the stand-in refuses it as the edge refuses weak keys.
        KeyPair rsa = KeyUtils.generateKeyPair("ssh-rsa", 2048);
        java.io.ByteArrayOutputStream pem = new java.io.ByteArrayOutputStream();
        org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(
                rsa, "t", null, pem);
        Files.write(keys.keyFile(APP), pem.toByteArray());
        AccessException e = assertThrows(AccessException.class, () -> ensure(keys));
        assertEquals("The edge refused an SSH certificate for ssh.example.com: Not for you.", e.getMessage());
    }
}
