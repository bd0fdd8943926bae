package dev.portless.connector.edge.sshca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.portless.connector.edge.identity.token.AppTokenIssuer;
import dev.portless.connector.edge.identity.token.SigningKeys;
import dev.portless.connector.edge.pages.WebRequest;
import dev.portless.connector.edge.pages.WebResponse;
import dev.portless.connector.edge.policy.AccessPolicy;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.policy.PolicyDecision;
import dev.portless.connector.token.AppTokenVerifier;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshSigningServiceTest {
    private static final URI ISSUER = URI.create("https://edge.example.com");
    private static final AccessPolicy ALLOW = (i, c) -> PolicyDecision.allow("test");

    @TempDir
    Path dir;

    private AppTokenIssuer tokens;
    private SshSigningService service;
    private SshCertificateAuthority ca;

    @BeforeEach
    void setUp() {
        Clock clock = Clock.systemUTC();
        SigningKeys keys = SigningKeys.open(dir.resolve("state"), Duration.ofDays(30), Duration.ofDays(2), clock);
        tokens = new AppTokenIssuer(ISSUER, keys, clock);
        ca = SshCertificateAuthority.loadOrCreate(dir.resolve("ssh-ca"));
        // db.example.com has no SSH rule.
        Map<String, SshRule> rules = Map.of(
                "ssh.example.com", SshRule.defaults(),
                "root.example.com", new SshRule(false, List.of("root"), List.of(), Set.of(SshPermission.PTY)),
                "closed.example.com", SshRule.defaults());
        Map<String, AppRoute> routes = Map.of(
                "ssh.example.com", new AppRoute("ssh.example.com", "office", ALLOW, Duration.ofHours(1)),
                "root.example.com", new AppRoute("root.example.com", "office", ALLOW, Duration.ofHours(1)),
                "db.example.com", new AppRoute("db.example.com", "office", ALLOW, Duration.ofHours(1)),
                "closed.example.com",
                        new AppRoute("closed.example.com", "office", AccessPolicy.DENY_ALL, Duration.ofHours(1)));
        service = new SshSigningService(
                ca,
                Duration.ofMinutes(5),
                rules,
                routes,
                new AppTokenVerifier(ISSUER, clock, AppTokenVerifier.DEFAULT_SKEW),
                keys::publicKeys);
    }

    private String token(String app, Duration lifetime) {
        return tokens.issue(
                        Identity.user("pin", "ada@example.com", Optional.of("Ada@example.com"), List.of()),
                        app,
                        lifetime)
                .token();
    }

    private static String keyLine(String type, int bits) throws Exception {
        KeyPair key = KeyUtils.generateKeyPair(type, bits);
        return PublicKeyEntry.toString(key.getPublic());
    }

    private WebResponse post(String authorization, String body) throws Exception {
        HttpHeaders headers = new DefaultHttpHeaders();
        if (authorization != null) {
            headers.set("Authorization", authorization);
        }
        return service.sign(new WebRequest(
                "POST",
                SshSigningService.SIGN_PATH,
                Map.of(),
                Map.of(),
                Set.of(),
                Map.of(),
                headers,
                InetAddress.getLoopbackAddress(),
                body));
    }

    private static String json(String keyLine) {
        return "{\"public_key\": \"" + keyLine + "\"}";
    }

    private static Map<String, Object> parse(WebResponse r) throws Exception {
        return JSONObjectUtils.parse(r.bodyText());
    }

    @Test
    void signsForTheEmailLocalPartCappedByTheToken() throws Exception {
        WebResponse r =
                post("Bearer " + token("ssh.example.com", Duration.ofMinutes(2)), json(keyLine("ssh-ed25519", 256)));
        assertEquals(200, r.status(), r.bodyText());
        Map<String, Object> body = parse(r);
        OpenSshCertificate cert =
                (OpenSshCertificate) AuthorizedKeyEntry.parseAuthorizedKeyEntry((String) body.get("certificate"))
                        .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        assertEquals(List.of("ada"), cert.getPrincipals());
        long validBefore = ((Number) body.get("valid_before")).longValue();
        assertEquals(cert.getValidBefore(), validBefore);
        long cap = Instant.now().plus(Duration.ofMinutes(2)).getEpochSecond();
        assertTrue(validBefore <= cap + 1 && validBefore >= cap - 30, "capped by the token: " + validBefore);
        assertTrue(KeyUtils.compareKeys(
                cert.getCaPubKey(),
                AuthorizedKeyEntry.parseAuthorizedKeyEntry(ca.publicKeyLine())
                        .resolvePublicKey(null, PublicKeyEntryResolver.FAILING)));
    }

    @Test
    void explicitPrincipalsAndRsa() throws Exception {
        WebResponse r =
                post("Bearer " + token("root.example.com", Duration.ofHours(1)), json(keyLine("ssh-rsa", 3072)));
        assertEquals(200, r.status(), r.bodyText());
        OpenSshCertificate cert =
                (OpenSshCertificate) AuthorizedKeyEntry.parseAuthorizedKeyEntry((String) parse(r).get("certificate"))
                        .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        assertEquals(List.of("root"), cert.getPrincipals());
        assertEquals(
                Set.of("permit-pty"),
                cert.getExtensions().stream().map(e -> e.getName()).collect(java.util.stream.Collectors.toSet()));
        long lifetime = cert.getValidBefore() - Instant.now().getEpochSecond();
        assertTrue(lifetime <= 300 && lifetime > 250, "5 minutes: " + lifetime);
    }

    @Test
    void refusals() throws Exception {
        String ed = json(keyLine("ssh-ed25519", 256));
        assertRefused(401, "invalid_token", post(null, ed));
        assertRefused(401, "invalid_token", post("Bearer not-a-jwt", ed));
        String other = new AppTokenIssuer(
                        URI.create("https://other.example.com"),
                        SigningKeys.open(
                                dir.resolve("other"), Duration.ofDays(30), Duration.ofDays(2), Clock.systemUTC()),
                        Clock.systemUTC())
                .issue(
                        Identity.user("pin", "a", Optional.of("a@example.com"), List.of()),
                        "ssh.example.com",
                        Duration.ofHours(1))
                .token();
        assertRefused(401, "invalid_token", post("Bearer " + other, ed));
        assertRefused(403, "not_ssh_app", post("Bearer " + token("db.example.com", Duration.ofHours(1)), ed));
        assertRefused(403, "not_ssh_app", post("Bearer " + token("nope.example.com", Duration.ofHours(1)), ed));
        assertRefused(403, "forbidden", post("Bearer " + token("closed.example.com", Duration.ofHours(1)), ed));
        String good = "Bearer " + token("ssh.example.com", Duration.ofHours(1));
        assertRefused(400, "invalid_request", post(good, ""));
        assertRefused(400, "invalid_request", post(good, "{\"key\": 1}"));
        assertRefused(400, "invalid_key", post(good, json("ssh-ed25519 AAAAnotbase64")));
        assertRefused(400, "invalid_key", post(good, json(keyLine("ssh-rsa", 1024))));
        assertRefused(400, "invalid_key", post(good, json(ca.publicKeyLine())));
    }

    private static void assertRefused(int status, String code, WebResponse r) throws Exception {
        assertEquals(status, r.status(), r.bodyText());
        Map<String, Object> body = parse(r);
        assertEquals(code, body.get("error"), r.bodyText());
        String sentence = (String) body.get("error_description");
        assertTrue(sentence.endsWith(".") && !sentence.contains("\n"), sentence);
    }
}
