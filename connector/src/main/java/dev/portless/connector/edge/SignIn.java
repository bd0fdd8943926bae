package dev.portless.connector.edge;

import dev.portless.connector.edge.config.OidcProviderEntry;
import dev.portless.connector.edge.config.PinProviderEntry;
import dev.portless.connector.edge.identity.oidc.OidcProvider;
import dev.portless.connector.edge.identity.oidc.OidcSignIn;
import dev.portless.connector.edge.identity.pin.PinProvider;
import dev.portless.connector.edge.identity.signin.SignInPages;
import dev.portless.connector.edge.pages.WebRouter;
import java.util.List;
import java.util.Optional;

/**
 * The sign-in of one version of {@code identity-providers}: its providers, and the sign-in pages and upstream OIDC
 * sign-in that offer them. A reload that changes the providers makes a new one, which the edge swaps in whole.
 *
 * @param pinEntry the entry the PIN provider was made from
 * @param pin      the e-mail PIN provider, if any
 * @param upstream the upstream OIDC providers, in the file's order
 * @param pages    the sign-in pages, which offer all of them and check PINs
 * @param oidc     the sign-in through the upstream providers
 */
record SignIn(
        Optional<PinProviderEntry> pinEntry,
        Optional<PinProvider> pin,
        List<OidcProvider> upstream,
        SignInPages pages,
        OidcSignIn oidc) {

    /** Copies the list of upstream providers. */
    SignIn {
        upstream = List.copyOf(upstream);
    }

    /** Returns this sign-in's PIN provider when it was made from an entry equal to {@code entry}. */
    Optional<PinProvider> pinMadeFrom(PinProviderEntry entry) {
        return pinEntry.filter(entry::equals).flatMap(e -> pin);
    }

    /** Returns this sign-in's OIDC provider made from an entry equal to {@code entry}, if any. */
    Optional<OidcProvider> upstreamMadeFrom(OidcProviderEntry entry) {
        return upstream.stream().filter(p -> p.config().equals(entry)).findFirst();
    }

    /** Adds the sign-in routes to {@code router}. */
    void addRoutes(WebRouter.Builder router) {
        pages.addRoutes(router);
        oidc.addRoutes(router);
    }
}
