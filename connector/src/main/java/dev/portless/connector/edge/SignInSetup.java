package dev.portless.connector.edge;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.config.EdgeLimits;
import dev.portless.connector.edge.config.IdentityProviderEntry;
import dev.portless.connector.edge.config.OidcProviderEntry;
import dev.portless.connector.edge.config.PinProviderEntry;
import dev.portless.connector.edge.identity.oidc.OidcProvider;
import dev.portless.connector.edge.identity.oidc.OidcSignIn;
import dev.portless.connector.edge.identity.pin.OutboxMailer;
import dev.portless.connector.edge.identity.pin.PinMailer;
import dev.portless.connector.edge.identity.pin.PinProvider;
import dev.portless.connector.edge.identity.pin.SmtpMailer;
import dev.portless.connector.edge.identity.session.BrowserSessions;
import dev.portless.connector.edge.identity.signin.SignInPages;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.store.EdgeStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLContext;

/**
 * The making of the edge's {@link SignIn} from {@code identity-providers}, around the running browser sessions and
 * store. Providers take what only a restart changes from the edge as it started: its issuer (the OIDC callback, the
 * PIN mail's sender), its limits and clock; they share one HTTP client for upstream calls. A reload makes only the
 * providers whose entry is new or changed and carries the others over whole: an OIDC provider with the discovery
 * document and keys it fetched, the PIN provider with its count of this edge's mails.
 */
final class SignInSetup {
    private final URI issuer;
    private final EdgeLimits limits;
    private final BrowserSessions sessions;
    private final Map<String, AppRoute> apps;
    private final EdgeStore store;
    private final Clock clock;
    private final BiConsumer<String, String> failures;
    private final URI callback;
    private final HttpClient http;

    /**
     * Returns the making of sign-ins for an edge at {@code issuer} within {@code limits}, whose people sign in to
     * {@code sessions} (kept in {@code store}) to reach {@code apps}; {@code failures} hears of each failed upstream
     * sign-in: the provider's name and the result.
     */
    SignInSetup(
            URI issuer,
            EdgeLimits limits,
            BrowserSessions sessions,
            Map<String, AppRoute> apps,
            EdgeStore store,
            Clock clock,
            BiConsumer<String, String> failures) {
        this.issuer = requireNonNull(issuer, "issuer");
        this.limits = requireNonNull(limits, "limits");
        this.sessions = requireNonNull(sessions, "sessions");
        this.apps = requireNonNull(apps, "apps");
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.failures = requireNonNull(failures, "failures");
        this.callback = URI.create(issuer + OidcSignIn.CALLBACK_PATH);
        // Calls to identity providers run on web workers and a reload's thread; redirects are never followed.
        this.http = HttpClient.newBuilder()
                .connectTimeout(limits.identityProviderTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Returns the sign-in of {@code entries} the edge starts with. An OIDC provider fetches its discovery document at
     * its first sign-in, so one that is down when the edge starts fails only its own sign-ins.
     *
     * @throws IllegalStateException when a PIN provider's outbox cannot be created
     */
    SignIn first(List<IdentityProviderEntry> entries) {
        try {
            return make(entries, Optional.empty());
        } catch (ProviderRefusal e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Returns the sign-in of {@code entries} for a reload from {@code running}, whose providers of unchanged entries
     * it keeps. It fetches the discovery document of each OIDC provider that is new or changed, so a mistyped issuer
     * or an unreachable provider refuses the reload instead of failing people's sign-ins; each fetch waits at most
     * the limits' identity-provider connect timeout and 10 s for the answer. Call it off the event loops.
     *
     * @throws ProviderRefusal when a provider cannot be made; nothing of {@code running} changes
     */
    SignIn next(SignIn running, List<IdentityProviderEntry> entries) throws ProviderRefusal {
        return make(entries, Optional.of(requireNonNull(running, "running")));
    }

    private SignIn make(List<IdentityProviderEntry> entries, Optional<SignIn> running) throws ProviderRefusal {
        Optional<PinProviderEntry> pinEntry = Optional.empty();
        Optional<PinProvider> pin = Optional.empty();
        List<OidcProvider> upstream = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            IdentityProviderEntry entry = entries.get(i);
            if (entry instanceof PinProviderEntry p) {
                Optional<PinProvider> kept = running.flatMap(r -> r.pinMadeFrom(p));
                pinEntry = Optional.of(p);
                pin = Optional.of(kept.isPresent() ? kept.get() : pinProvider(p, i));
            } else if (entry instanceof OidcProviderEntry o) {
                Optional<OidcProvider> kept = running.flatMap(r -> r.upstreamMadeFrom(o));
                upstream.add(kept.isPresent() ? kept.get() : oidcProvider(o, i, running.isPresent()));
            }
        }
        OidcSignIn oidc = new OidcSignIn(upstream, sessions, store, clock, failures);
        SignInPages pages = new SignInPages(sessions, pin, oidc.choices(), apps, issuer, clock, store);
        return new SignIn(pinEntry, pin, upstream, pages, oidc);
    }

    private PinProvider pinProvider(PinProviderEntry entry, int index) throws ProviderRefusal {
        return new PinProvider(entry.name(), entry.displayName(), mailer(entry, index), limits, store, clock);
    }

    private PinMailer mailer(PinProviderEntry entry, int index) throws ProviderRefusal {
        String host = issuer.getHost();
        if (entry.outbox().isPresent()) {
            try {
                return new OutboxMailer(entry.outbox().get(), "Portless <no-reply@" + host + ">");
            } catch (IOException e) {
                throw new ProviderRefusal(
                        index,
                        "outbox",
                        "cannot create the PIN outbox " + entry.outbox().get() + ": " + e.getMessage(),
                        e);
            }
        }
        try {
            return new SmtpMailer(entry.smtp().orElseThrow(), SSLContext.getDefault(), host);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private OidcProvider oidcProvider(OidcProviderEntry entry, int index, boolean discoverNow) throws ProviderRefusal {
        OidcProvider provider = new OidcProvider(entry, callback, http, clock);
        if (discoverNow) {
            try {
                provider.discover();
            } catch (IllegalStateException e) {
                throw new ProviderRefusal(
                        index,
                        "issuer",
                        "the discovery document at " + entry.issuer() + "/.well-known/openid-configuration could"
                                + " not be used: " + e.getMessage()
                                + "; check the issuer and that this edge can reach it, then reload again",
                        e);
            }
        }
        return provider;
    }
}
