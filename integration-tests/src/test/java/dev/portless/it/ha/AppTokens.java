package dev.portless.it.ha;

import static java.util.Objects.requireNonNull;

import dev.portless.common.json.Json;
import dev.portless.it.harness.TwoEdgeStack;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * App tokens for the two-edge tests and figures: a person signed in at edge B, whose code is redeemed at
 * edge A, so each token has crossed the shared store.
 */
final class AppTokens {
    private static final int A = 0;
    private static final int B = 1;

    private AppTokens() {}

    /** Returns an access token for {@code email}, signed in at edge B and redeemed at edge A. */
    static String fresh(TwoEdgeStack stack, String email) {
        requireNonNull(stack, "stack");
        String session = stack.signIn(stack.edgePort(B), requireNonNull(email, "email"));
        Pkce pkce = new Pkce();
        String code = stack.authorizationCode(stack.edgePort(B), session, pkce.challenge);
        return accessToken(stack.redeem(stack.edgePort(A), code, pkce.verifier));
    }

    /** Returns the access token of a token endpoint's answer, failing the test when it holds none. */
    static String accessToken(HttpResponse<String> r) {
        try {
            return Json.string(Json.readObject(r.body()), "access_token");
        } catch (java.text.ParseException e) {
            throw new AssertionError("not a token response: " + r.body(), e);
        }
    }

    /** A PKCE verifier and its S256 challenge. */
    static final class Pkce {
        final String verifier;
        final String challenge;

        Pkce() {
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            try {
                challenge = Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(MessageDigest.getInstance("SHA-256")
                                .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
