package dev.portless.connector.edge.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.wire.StreamError;
import dev.portless.connector.edge.access.Decision.Credential;
import dev.portless.connector.edge.identity.token.AppTokenIssuer;
import dev.portless.connector.edge.identity.token.SigningKeys;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.policy.RulePolicy;
import dev.portless.connector.edge.policy.Selector;
import dev.portless.connector.edge.web.AppCookies;
import dev.portless.connector.token.AppTokenVerifier;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A web app's cookie and a public app's bypass, next to the bearer and service tokens. */
class EdgeAuthenticatorTest {
    private static final URI ISSUER = URI.create("https://edge.example.com");
    private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();
    private static final Identity ADA = Identity.user("email", "ada", Optional.of("ada@example.com"), List.of());
    private static final Identity EVE = Identity.user("email", "eve", Optional.of("eve@elsewhere.org"), List.of());

    @TempDir
    Path state;

    private final Clock clock = Clock.systemUTC();
    private final AppRoute grafana = new AppRoute(
            "grafana.example.com",
            "office",
            new RulePolicy(List.of(new Selector.EmailDomains(Set.of("example.com"))), List.of(), List.of()),
            Duration.ofHours(8));
    private final AppRoute blog = new AppRoute("blog.example.com", "office", RulePolicy.BYPASS, Duration.ofHours(1));
    private SigningKeys keys;
    private AppTokenIssuer issuer;
    private EdgeAuthenticator authenticator;

    @BeforeEach
    void setUp() {
        keys = SigningKeys.open(state, Duration.ofDays(30), Duration.ofHours(25), clock);
        issuer = new AppTokenIssuer(ISSUER, keys, clock);
        authenticator = new EdgeAuthenticator(
                issuer,
                new AppTokenVerifier(ISSUER, clock, AppTokenVerifier.DEFAULT_SKEW),
                keys::publicKeys,
                List.of(),
                clock);
    }

    private static HttpHeaders cookie(String token) {
        return new DefaultHttpHeaders().add("Cookie", "theme=dark; " + AppCookies.APP + "=" + token);
    }

    @Test
    void theAppCookieLetsThePersonItNamesIn() {
        String token =
                issuer.issue(ADA, grafana.hostname(), Duration.ofHours(8)).token();
        Decision d = authenticator.authenticate(cookie(token), grafana, CLIENT);
        assertTrue(d.allowed(), d.message());
        assertEquals(Credential.APP_COOKIE, d.via());
        assertEquals(token, d.appToken());
        assertEquals(Optional.of("ada@example.com"), d.identity().orElseThrow().email());
    }

    @Test
    void anotherAuthorizationSchemeBelongsToTheOriginAndTheCookieStillCounts() {
        String token =
                issuer.issue(ADA, grafana.hostname(), Duration.ofHours(8)).token();
        HttpHeaders headers = cookie(token).add("Authorization", "Basic YWRhOnNlY3JldA==");
        assertEquals(
                Credential.APP_COOKIE,
                authenticator.authenticate(headers, grafana, CLIENT).via());
    }

    @Test
    void anExpiredCookieCountsAsNoCredential() {
        AppTokenIssuer past = new AppTokenIssuer(ISSUER, keys, Clock.offset(clock, Duration.ofHours(-3)));
        String token = past.issue(ADA, grafana.hostname(), Duration.ofHours(1)).token();
        Decision d = authenticator.authenticate(cookie(token), grafana, CLIENT);
        assertEquals(StreamError.UNAUTHENTICATED, d.error());
    }

    @Test
    void aCookieForAnotherAppCountsAsNoCredential() {
        String token =
                issuer.issue(ADA, "other.example.com", Duration.ofHours(8)).token();
        assertEquals(
                StreamError.UNAUTHENTICATED,
                authenticator.authenticate(cookie(token), grafana, CLIENT).error());
    }

    @Test
    void aCookieOfAPersonThePolicyNoLongerAllowsIsForbidden() {
        String token =
                issuer.issue(EVE, grafana.hostname(), Duration.ofHours(8)).token();
        assertEquals(
                StreamError.FORBIDDEN,
                authenticator.authenticate(cookie(token), grafana, CLIENT).error());
    }

    @Test
    void aPublicAppNeedsNoCredentialsAndItsTokenNamesBypass() throws Exception {
        Decision d = authenticator.authenticate(new DefaultHttpHeaders(), blog, CLIENT);
        assertTrue(d.allowed());
        assertEquals(Credential.BYPASS, d.via());
        assertEquals(
                "bypass",
                new AppTokenVerifier(ISSUER, clock, AppTokenVerifier.DEFAULT_SKEW)
                        .verify(d.appToken(), blog.hostname(), keys.publicKeys())
                        .subject());
        assertEquals(
                StreamError.UNAUTHENTICATED,
                authenticator
                        .authenticate(new DefaultHttpHeaders(), grafana, CLIENT)
                        .error(),
                "an app with rules still needs credentials");
    }

    @Test
    void theAppTokenTheEdgeMintedForAServiceTokenPassesAsBearerUnderTheServiceTokenRule() {
        AppRoute db = new AppRoute("db.example.com", "office", Set.of("ci"));
        String token = issuer.issue(Identity.serviceToken("ci"), db.hostname(), Duration.ofHours(1))
                .token();
        Decision d = authenticator.authenticate(
                new DefaultHttpHeaders().add("Authorization", "Bearer " + token), db, CLIENT);
        assertTrue(d.allowed(), d.message());
        assertEquals(Optional.of("ci"), d.identity().orElseThrow().serviceToken());
    }

    @Test
    void aPersonWhoseSubjectLooksLikeAServiceTokenIsNoServiceToken() {
        AppRoute db = new AppRoute("db.example.com", "office", Set.of("ci"));
        Identity lookalike = Identity.user("oidc", "service-token:ci", Optional.empty(), List.of());
        String token =
                issuer.issue(lookalike, db.hostname(), Duration.ofHours(1)).token();
        Decision d = authenticator.authenticate(
                new DefaultHttpHeaders().add("Authorization", "Bearer " + token), db, CLIENT);
        assertEquals(StreamError.FORBIDDEN, d.error());
    }
}
