package dev.portless.connector.edge;

import static java.util.Objects.requireNonNull;

import dev.portless.common.wire.AppTokenClaims;
import dev.portless.connector.edge.config.EdgeConfig;
import dev.portless.connector.edge.config.EdgeLimits;
import dev.portless.connector.edge.config.OidcProviderEntry;
import dev.portless.connector.edge.config.PinProviderEntry;
import dev.portless.connector.edge.events.EdgeEvents;
import dev.portless.connector.edge.identity.oidc.OidcProvider;
import dev.portless.connector.edge.identity.oidc.OidcSignIn;
import dev.portless.connector.edge.identity.pin.OutboxMailer;
import dev.portless.connector.edge.identity.pin.PinMailer;
import dev.portless.connector.edge.identity.pin.PinProvider;
import dev.portless.connector.edge.identity.pin.SmtpMailer;
import dev.portless.connector.edge.identity.session.BrowserSessions;
import dev.portless.connector.edge.identity.signin.SignInPages;
import dev.portless.connector.edge.identity.token.AppTokenIssuer;
import dev.portless.connector.edge.identity.token.SigningKeys;
import dev.portless.connector.edge.identity.token.TokenRevocations;
import dev.portless.connector.edge.oauth.AuthorizationServer;
import dev.portless.connector.edge.pages.Pages;
import dev.portless.connector.edge.pages.WebEndpoints;
import dev.portless.connector.edge.pages.WebResponse;
import dev.portless.connector.edge.pages.WebRouter;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.sshca.SshCertificateAuthority;
import dev.portless.connector.edge.sshca.SshRule;
import dev.portless.connector.edge.sshca.SshSigningService;
import dev.portless.connector.edge.store.EdgeStore;
import dev.portless.connector.edge.store.StoreUnavailableException;
import dev.portless.connector.edge.store.StoredKey;
import dev.portless.connector.edge.web.AppSignIn;
import dev.portless.connector.token.TokenVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wiring of every plain HTTP endpoint of the edge: sign-in pages and browser sessions, the
 * identity providers, the OAuth endpoints of the {@code access} CLI, SSH certificates, the JWKS, and
 * web apps' browser sign-in, the health check, built from the edge's configuration into one router.
 */
final class EdgeWeb {
    private static final Logger log = LoggerFactory.getLogger(EdgeWeb.class);
    /** The kind and id under which the shared store keeps the SSH CA key. */
    private static final String SSH_CA_KIND = "ssh-ca";

    private final SigningKeys keys;
    private final BrowserSessions sessions;
    private final SignInPages signIn;
    private final AuthorizationServer oauth;
    private final OidcSignIn oidc;
    private final SshSigningService ssh;
    private final AppSignIn appSignIn;

    private EdgeWeb(
            SigningKeys keys,
            BrowserSessions sessions,
            SignInPages signIn,
            AuthorizationServer oauth,
            OidcSignIn oidc,
            SshSigningService ssh,
            AppSignIn appSignIn) {
        this.ssh = ssh;
        this.appSignIn = appSignIn;
        this.keys = keys;
        this.sessions = sessions;
        this.signIn = signIn;
        this.oauth = oauth;
        this.oidc = oidc;
    }

    /**
     * Returns the service of {@code config}'s identity providers for {@code apps} and their {@code sshRules}
     * (views a reload of edge.yml changes under it), issuing tokens with
     * {@code tokens}, checking them with {@code verifier} and publishing {@code keys}.
     *
     * @throws UncheckedIOException when a provider's outbox cannot be created
     */
    static EdgeWeb create(
            EdgeConfig config,
            EdgeLimits limits,
            Map<String, AppRoute> apps,
            Map<String, SshRule> sshRules,
            SigningKeys keys,
            AppTokenIssuer tokens,
            TokenVerifier verifier,
            TokenRevocations revocations,
            EdgeStore store,
            Clock clock,
            EdgeEvents events) {
        requireNonNull(config, "config");
        BrowserSessions sessions = new BrowserSessions(
                config.browserSessionDuration(),
                clock,
                store,
                events::signedIn,
                (who, signedInAt) ->
                        revocations.signedOut(who, null, signedInAt).isPresent());
        Optional<PinProvider> pin = config.identityProviders().stream()
                .filter(PinProviderEntry.class::isInstance)
                .map(PinProviderEntry.class::cast)
                .findFirst()
                .map(p -> new PinProvider(p.name(), p.displayName(), mailer(p, config), limits, store, clock));
        // Calls to identity providers run on web workers; redirects are never followed.
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(limits.identityProviderTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        URI callback = URI.create(config.issuer() + OidcSignIn.CALLBACK_PATH);
        List<OidcProvider> upstream = config.identityProviders().stream()
                .filter(OidcProviderEntry.class::isInstance)
                .map(OidcProviderEntry.class::cast)
                .map(p -> new OidcProvider(p, callback, http, clock))
                .toList();
        OidcSignIn oidc = new OidcSignIn(upstream, sessions, store, clock, events::signInFailed);
        SignInPages signIn = new SignInPages(sessions, pin, oidc.choices(), apps, config.issuer(), clock, store);
        AuthorizationServer oauth = new AuthorizationServer(sessions, apps, tokens, revocations, limits, clock, store);
        // The SSH CA key is created on first start, next to the signing keys (or where ssh-ca.key-file says);
        // the first edge to store its key makes it the one every edge sharing the store signs with.
        SshSigningService ssh = new SshSigningService(
                sharedCertificateAuthority(config.sshCa().keyFile(), store, clock),
                config.sshCa().certificateLifetime(),
                sshRules,
                apps,
                verifier,
                keys::publicKeys,
                events);
        AppSignIn appSignIn = new AppSignIn(sessions, apps, tokens, limits.appCodeLifetime(), clock, store);
        return new EdgeWeb(keys, sessions, signIn, oauth, oidc, ssh, appSignIn);
    }

    private static SshCertificateAuthority sharedCertificateAuthority(Path keyFile, EdgeStore store, Clock clock) {
        String candidate = SshCertificateAuthority.keyText(keyFile);
        store.addKey(SSH_CA_KIND, new StoredKey(SSH_CA_KIND, candidate, clock.instant()));
        String shared = store.keys(SSH_CA_KIND).stream()
                .findFirst()
                .map(StoredKey::value)
                .orElse(candidate);
        return SshCertificateAuthority.adopt(shared, keyFile);
    }

    /**
     * Returns every plain HTTP path the edge serves, running handlers on {@code workers}; a request that finds the
     * shared store unreachable is answered with a 503 page that says so.
     */
    WebEndpoints router(Executor workers) {
        WebRouter.Builder b = WebRouter.builder()
                .get("/healthz", r -> WebResponse.text(200, "ok"))
                .get(
                        AppTokenClaims.JWKS_PATH,
                        r -> WebResponse.json(200, keys.publicKeys().toString())
                                .withHeader("Cache-Control", "public, max-age=300"))
                .notFound(r -> Pages.error(404, "Not found", "There is no page at " + r.path() + " on this edge."));
        signIn.addRoutes(b);
        oidc.addRoutes(b);
        oauth.addRoutes(b);
        ssh.addRoutes(b);
        appSignIn.addRoutes(b);
        WebRouter router = b.build(workers);
        return request -> router.handle(request).exceptionally(EdgeWeb::storeUnreachable);
    }

    private static WebResponse storeUnreachable(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof StoreUnavailableException e) {
            log.warn("{}", e.getMessage());
            return Pages.error(
                            503,
                            "Sign-in is unavailable",
                            "The edge's store is unreachable, so sign-in cannot work right now; try again in a"
                                    + " minute. (Operators: check the database named in edge.yml's store.)")
                    .withHeader("Retry-After", "10");
        }
        throw cause instanceof RuntimeException r ? r : new CompletionException(cause);
    }

    /** Forgets expired sessions, codes and device authorizations; runs off the event loops. */
    void sweep() {
        sessions.sweep();
        oauth.sweep();
    }

    private static PinMailer mailer(PinProviderEntry p, EdgeConfig config) {
        String host = config.issuer().getHost();
        if (p.outbox().isPresent()) {
            try {
                return new OutboxMailer(p.outbox().get(), "Portless <no-reply@" + host + ">");
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot create the PIN outbox " + p.outbox().get() + ": " + e.getMessage(), e);
            }
        }
        try {
            return new SmtpMailer(p.smtp().orElseThrow(), SSLContext.getDefault(), host);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
