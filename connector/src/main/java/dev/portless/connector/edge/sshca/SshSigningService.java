package dev.portless.connector.edge.sshca;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.jwk.JWKSet;
import dev.portless.common.json.Json;
import dev.portless.connector.edge.events.EdgeEvents;
import dev.portless.connector.edge.events.SshCertificateIssue;
import dev.portless.connector.edge.pages.WebRequest;
import dev.portless.connector.edge.pages.WebResponse;
import dev.portless.connector.edge.pages.WebRouter;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.policy.PolicyDecision;
import dev.portless.connector.token.AppTokenException;
import dev.portless.connector.token.TokenVerifier;
import dev.portless.connector.token.VerifiedAppToken;
import java.security.PublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's SSH certificate endpoints:
 *
 * <ul>
 *   <li>{@code GET /ssh/ca.pub}: the CA public key line, for sshd's {@code TrustedUserCAKeys};</li>
 *   <li>{@code POST /ssh/sign} with {@code Authorization: Bearer <app token>} and
 *       {@code {"public_key": "ssh-ed25519 AAAA…"}}: {@code {"certificate": "…", "valid_before": <epoch s>}},
 *       a certificate for the principals the app's {@code ssh} section maps the signed-in person to, never
 *       outliving the app token.</li>
 * </ul>
 *
 * <p>Errors are JSON: {@code {"error": "<code>", "error_description": "<one sentence>"}}.
 */
public final class SshSigningService {
    /** The path of the CA public key. */
    public static final String CA_PATH = "/ssh/ca.pub";
    /** The path of the signing endpoint. */
    public static final String SIGN_PATH = "/ssh/sign";

    private static final Logger log = LoggerFactory.getLogger(SshSigningService.class);
    private static final int MAX_KEY_CHARS = 16 * 1024;

    private final EdgeEvents events;
    private final SshCertificateAuthority ca;
    private final Duration lifetime;
    private final Map<String, SshRule> rules;
    private final Map<String, AppRoute> routes;
    private final TokenVerifier verifier;
    private final Supplier<JWKSet> keys;

    /**
     * Returns the service signing with {@code ca} for {@code lifetime} (capped by the token), for the apps that
     * have a rule in {@code rules} (by hostname); tokens are checked with {@code verifier} against {@code keys},
     * and the person must still pass the app's policy in {@code routes}.
     */
    public SshSigningService(
            SshCertificateAuthority ca,
            Duration lifetime,
            Map<String, SshRule> rules,
            Map<String, AppRoute> routes,
            TokenVerifier verifier,
            Supplier<JWKSet> keys) {
        this(ca, lifetime, rules, routes, verifier, keys, EdgeEvents.NONE);
    }

    /** Returns the signing endpoint as above, telling {@code events} of each certificate it signs. */
    public SshSigningService(
            SshCertificateAuthority ca,
            Duration lifetime,
            Map<String, SshRule> rules,
            Map<String, AppRoute> routes,
            TokenVerifier verifier,
            Supplier<JWKSet> keys,
            EdgeEvents events) {
        this.events = requireNonNull(events, "events");
        this.ca = requireNonNull(ca, "ca");
        this.lifetime = requireNonNull(lifetime, "lifetime");
        this.rules = Map.copyOf(requireNonNull(rules, "rules"));
        this.routes = Map.copyOf(requireNonNull(routes, "routes"));
        this.verifier = requireNonNull(verifier, "verifier");
        this.keys = requireNonNull(keys, "keys");
    }

    /** Adds the two routes to {@code b}. */
    public void addRoutes(WebRouter.Builder b) {
        b.get(CA_PATH, r -> WebResponse.text(200, ca.publicKeyLine()).withHeader("Cache-Control", "no-cache"));
        b.post(SIGN_PATH, this::sign);
    }

    /** Answers a signing request. */
    public WebResponse sign(WebRequest r) {
        String token = bearer(r.header("Authorization").orElse(""));
        if (token == null) {
            return error(401, "invalid_token", "Send the app token as \"Authorization: Bearer <app token>\".");
        }
        String audience;
        try {
            audience = com.nimbusds.jwt.SignedJWT.parse(token).getJWTClaimsSet().getAudience().stream()
                    .findFirst()
                    .orElse("");
        } catch (ParseException | RuntimeException e) {
            return error(401, "invalid_token", "The app token is not a signed JWT; sign in again.");
        }
        AppRoute app = routes.get(audience.toLowerCase(Locale.ROOT));
        if (app == null) {
            return error(
                    403, "not_ssh_app", "The app token is for " + audience + ", which is not an app of this edge.");
        }
        Optional<SshRule> ssh = Optional.ofNullable(rules.get(app.hostname()));
        if (ssh.isEmpty()) {
            return error(
                    403,
                    "not_ssh_app",
                    "The app " + app.hostname() + " has no ssh section, so this edge signs "
                            + "no SSH certificates for it.");
        }
        VerifiedAppToken verified;
        try {
            verified = verifier.verify(token, app.hostname(), keys.get());
        } catch (AppTokenException e) {
            log.info(
                    "app={} client={} SSH certificate refused: {}",
                    app.hostname(),
                    r.client().getHostAddress(),
                    e.getMessage());
            return error(
                    401,
                    "invalid_token",
                    "The app token for " + app.hostname() + " was refused: "
                            + e.rejection().clause() + "; sign in again.");
        }
        Identity identity = verified.serviceToken()
                .map(Identity::serviceToken)
                .orElseGet(() -> Identity.user("app-token", verified.subject(), verified.email(), verified.groups()));
        PolicyDecision verdict = app.policy().decide(identity, r.client());
        if (!verdict.allowed()) {
            log.info(
                    "app={} identity={} SSH certificate forbidden: {}",
                    app.hostname(),
                    identity.displayName(),
                    verdict.reason());
            return error(
                    403,
                    "forbidden",
                    identity.displayName() + " is not allowed to reach " + app.hostname()
                            + "; ask the app's administrator for access.");
        }
        String keyLine;
        try {
            Object value = r.body().isEmpty() ? null : Json.readObject(r.body()).get("public_key");
            keyLine = value instanceof String s ? s.trim() : null;
        } catch (ParseException e) {
            keyLine = null;
        }
        if (keyLine == null || keyLine.isEmpty() || keyLine.length() > MAX_KEY_CHARS) {
            return error(
                    400,
                    "invalid_request",
                    "Send JSON {\"public_key\": \"ssh-ed25519 AAAA...\"} with " + "Content-Type: application/json.");
        }
        PublicKey key;
        try {
            key = AuthorizedKeyEntry.parseAuthorizedKeyEntry(keyLine)
                    .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        } catch (Exception e) {
            key = null;
        }
        if (key == null) {
            return error(
                    400,
                    "invalid_key",
                    "The public_key is not an OpenSSH public key line (expected: " + "ssh-ed25519 AAAA...).");
        }
        List<String> principals;
        try {
            principals = ssh.get().principalsFor(verified.email(), verified.groups());
        } catch (IllegalArgumentException e) {
            return error(403, "no_principals", "Your email does not map to a login name: " + e.getMessage() + ".");
        }
        if (principals.isEmpty()) {
            return error(
                    403,
                    "no_principals",
                    identity.displayName() + " maps to no login name on " + app.hostname()
                            + "; ask the app's administrator to add principals for you.");
        }
        SignedCertificate certificate;
        try {
            certificate = ca.sign(new CertificateRequest(
                    key,
                    identity.displayName(),
                    principals,
                    lifetime,
                    verified.expiresAt(),
                    ssh.get().permissions()));
        } catch (IllegalArgumentException e) {
            return error(400, "invalid_key", "The key was refused: " + e.getMessage() + ".");
        }
        log.info(
                "app={} identity={} client={} SSH certificate serial={} issued",
                app.hostname(),
                identity.displayName(),
                r.client().getHostAddress(),
                certificate.serial());
        events.sshCertificateIssued(new SshCertificateIssue(
                app.hostname(),
                identity.displayName(),
                r.client().getHostAddress(),
                certificate.serial(),
                certificate.principals(),
                certificate.validBefore()));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("certificate", certificate.openSshLine());
        answer.put("valid_before", certificate.validBefore().getEpochSecond());
        answer.put("principals", certificate.principals());
        return WebResponse.json(200, Json.write(answer)).withHeader("Cache-Control", "no-store");
    }

    private static String bearer(String authorization) {
        String a = authorization.trim();
        if (a.length() > 7 && a.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            String t = a.substring(7).trim();
            return t.isEmpty() ? null : t;
        }
        return null;
    }

    private static WebResponse error(int status, String code, String sentence) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", code);
        m.put("error_description", sentence);
        return WebResponse.json(status, Json.write(m)).withHeader("Cache-Control", "no-store");
    }
}
