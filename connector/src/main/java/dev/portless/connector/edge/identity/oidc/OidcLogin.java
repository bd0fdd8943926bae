package dev.portless.connector.edge.identity.oidc;

import java.time.Instant;

/**
 * An upstream sign-in in progress, kept in the browser session until the provider sends the
 * browser back: the values that bind its answer to this browser and this request.
 *
 * @param provider  the provider's name
 * @param state     the random {@code state} sent to the provider
 * @param nonce     the random {@code nonce} the ID token must carry
 * @param verifier  the PKCE code verifier
 * @param returnTo  where the browser goes once signed in
 * @param startedAt when the sign-in began
 */
record OidcLogin(String provider, String state, String nonce, String verifier, String returnTo, Instant startedAt) {}
