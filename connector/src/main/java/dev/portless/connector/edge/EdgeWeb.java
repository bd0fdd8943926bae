package dev.portless.connector.edge;

import static java.util.Objects.requireNonNull;

import dev.portless.common.wire.AppTokenClaims;
import dev.portless.connector.edge.config.EdgeConfig;
import dev.portless.connector.edge.config.EdgeLimits;
import dev.portless.connector.edge.config.IdentityProviderEntry;
import dev.portless.connector.edge.events.EdgeEvents;
import dev.portless.connector.edge.identity.session.BrowserSessions;
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
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wiring of every plain HTTP endpoint of the edge: sign-in pages and browser sessions, the
 * identity providers, the OAuth endpoints of the {@code access} CLI, SSH certificates, the JWKS, and
 * web apps' browser sign-in, the health check, built from the edge's configuration into one router. A reload that
 * changes the identity providers swaps the router for one with the new {@link SignIn}; the browser sessions, OAuth,
 * SSH certificates and web apps' sign-in stay the running ones.
 */
final class EdgeWeb {
    private static final Logger log = LoggerFactory.getLogger(EdgeWeb.class);
    /** The kind and id under which the shared store keeps the SSH CA key. */
    private static final String SSH_CA_KIND = "ssh-ca";

    private final SigningKeys keys;
    private final BrowserSessions sessions;
    private final AuthorizationServer oauth;
    private final SshSigningService ssh;
    private final AppSignIn appSignIn;
    private final SignInSetup setup;
    private final Executor workers;
    // What a new request meets: one sign-in and the router that offers it, swapped whole by a reload.
    private final AtomicReference<Routes> current = new AtomicReference<>();

    private EdgeWeb(
            SigningKeys keys,
            BrowserSessions sessions,
            AuthorizationServer oauth,
            SshSigningService ssh,
            AppSignIn appSignIn,
            SignInSetup setup,
            Executor workers) {
        this.ssh = ssh;
        this.appSignIn = appSignIn;
        this.keys = keys;
        this.sessions = sessions;
        this.oauth = oauth;
        this.setup = setup;
        this.workers = workers;
    }

    /**
     * Returns the service of {@code config}'s identity providers for {@code apps} and their {@code sshRules}
     * (views a reload of edge.yml changes under it), issuing tokens with
     * {@code tokens}, checking them with {@code verifier}, publishing {@code keys} and running handlers on
     * {@code workers}.
     *
     * @throws IllegalStateException when a provider's outbox cannot be created
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
            EdgeEvents events,
            Executor workers) {
        requireNonNull(config, "config");
        BrowserSessions sessions = new BrowserSessions(
                config.browserSessionDuration(),
                clock,
                store,
                events::signedIn,
                (who, signedInAt) ->
                        revocations.signedOut(who, null, signedInAt).isPresent());
        SignInSetup setup =
                new SignInSetup(config.issuer(), limits, sessions, apps, store, clock, events::signInFailed);
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
        EdgeWeb web = new EdgeWeb(keys, sessions, oauth, ssh, appSignIn, setup, requireNonNull(workers, "workers"));
        web.current.set(web.routes(setup.first(config.identityProviders())));
        return web;
    }

    /**
     * Returns the swap that makes the providers of {@code entries} the ones new sign-ins use, keeping those whose
     * entry did not change; a sign-in under way finishes with the provider of its name the edge has when the
     * browser comes back, and ends with a sentence when a reload removed it. Fetches new OIDC providers' discovery
     * documents: call it off the event loops.
     *
     * @throws ProviderRefusal when a provider cannot be made; the running ones stay
     */
    Runnable prepareProviders(List<IdentityProviderEntry> entries) throws ProviderRefusal {
        requireNonNull(entries, "entries");
        Routes next = routes(setup.next(current.get().signIn(), entries));
        return () -> current.set(next);
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
     * Returns every plain HTTP path the edge serves, with the sign-in of the latest reload; a request that finds the
     * shared store unreachable is answered with a 503 page that says so.
     */
    WebEndpoints router() {
        return request -> current.get().router().handle(request).exceptionally(EdgeWeb::storeUnreachable);
    }

    private Routes routes(SignIn signIn) {
        WebRouter.Builder b = WebRouter.builder()
                .get("/healthz", r -> WebResponse.text(200, "ok"))
                .get(
                        AppTokenClaims.JWKS_PATH,
                        r -> WebResponse.json(200, keys.publicKeys().toString())
                                .withHeader("Cache-Control", "public, max-age=300"))
                .notFound(r -> Pages.error(404, "Not found", "There is no page at " + r.path() + " on this edge."));
        signIn.addRoutes(b);
        oauth.addRoutes(b);
        ssh.addRoutes(b);
        appSignIn.addRoutes(b);
        return new Routes(signIn, b.build(workers));
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

    /** A sign-in and the router whose sign-in routes are its own. */
    private record Routes(SignIn signIn, WebRouter router) {}
}
