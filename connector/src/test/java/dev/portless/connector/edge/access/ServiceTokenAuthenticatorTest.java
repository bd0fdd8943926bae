package dev.portless.connector.edge.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.wire.StreamError;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.secret.SecretHash;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServiceTokenAuthenticatorTest {
    private static final String CI_ID = "0123abcd.access";
    private static final String CI_SECRET = "ci-secret-value";
    private static final String OPS_ID = "4567efgh.access";
    private static final String OPS_SECRET = "ops-secret-value";

    private final ServiceTokenAuthenticator authenticator = new ServiceTokenAuthenticator(List.of(
            new ServiceToken("ci", CI_ID, SecretHash.sha256Hex(CI_SECRET)),
            new ServiceToken("ops", OPS_ID, SecretHash.sha256Hex(OPS_SECRET))));
    private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();
    private final AppRoute ssh = new AppRoute("ssh.example.com", "prod", Set.of("ci"));

    @Test
    void allowsAnAllowedTokenWithPortlessHeaders() {
        Decision d = authenticator.authenticate(
                headers("Access-Client-Id", CI_ID, "Access-Client-Secret", CI_SECRET), ssh, CLIENT);

        assertTrue(d.allowed());
        assertEquals(Optional.of("service-token:ci"), d.identity().map(Identity::subject));
    }

    @Test
    void allowsAnAllowedTokenWithCloudflaredHeaders() {
        Decision d = authenticator.authenticate(
                headers("Cf-Access-Client-Id", CI_ID, "Cf-Access-Client-Secret", CI_SECRET), ssh, CLIENT);

        assertEquals(Optional.of("service-token:ci"), d.identity().map(Identity::subject));
    }

    @Test
    void readsHeaderNamesWithoutRegardToCase() {
        Decision d = authenticator.authenticate(
                headers("access-client-id", CI_ID, "ACCESS-CLIENT-SECRET", CI_SECRET), ssh, CLIENT);

        assertTrue(d.allowed());
    }

    @Test
    void prefersThePortlessSpellingWhenBothAreSent() {
        Decision d = authenticator.authenticate(
                headers(
                        "Access-Client-Id",
                        CI_ID,
                        "Access-Client-Secret",
                        CI_SECRET,
                        "Cf-Access-Client-Id",
                        OPS_ID,
                        "Cf-Access-Client-Secret",
                        "wrong"),
                ssh,
                CLIENT);

        assertEquals(Optional.of("service-token:ci"), d.identity().map(Identity::subject));
    }

    @Test
    void refusesAWrongSecret() {
        Decision d = authenticator.authenticate(
                headers("Access-Client-Id", CI_ID, "Access-Client-Secret", "guess"), ssh, CLIENT);

        assertDenied(
                d,
                StreamError.BAD_CREDENTIALS,
                401,
                "The service token " + CI_ID + " was refused: unknown client id or wrong secret.");
    }

    @Test
    void refusesAnUnknownIdWithTheSameSentenceAsAWrongSecret() {
        Decision d = authenticator.authenticate(
                headers("Access-Client-Id", "nobody.access", "Access-Client-Secret", CI_SECRET), ssh, CLIENT);

        assertDenied(
                d,
                StreamError.BAD_CREDENTIALS,
                401,
                "The service token nobody.access was refused: unknown client id or wrong secret.");
    }

    @Test
    void forbidsAValidTokenTheAppDoesNotAllow() {
        Decision d = authenticator.authenticate(
                headers("Access-Client-Id", OPS_ID, "Access-Client-Secret", OPS_SECRET), ssh, CLIENT);

        assertDenied(d, StreamError.FORBIDDEN, 403, "The service token ops is not allowed to reach ssh.example.com.");
    }

    @Test
    void asksForCredentialsWhenNoneWereSent() {
        Decision d = authenticator.authenticate(new DefaultHttpHeaders(), ssh, CLIENT);

        assertDenied(
                d,
                StreamError.UNAUTHENTICATED,
                401,
                "No credentials were sent for ssh.example.com; pass a "
                        + "service token (--service-token-id and PORTLESS_SERVICE_TOKEN_SECRET).");
    }

    @Test
    void treatsAnIdWithoutSecretAsNoCredentials() {
        Decision d = authenticator.authenticate(headers("Access-Client-Id", CI_ID), ssh, CLIENT);

        assertEquals(StreamError.UNAUTHENTICATED, d.error());
    }

    @Test
    void leavesMintingTheAppTokenToTheCaller() {
        Decision d = authenticator.authenticate(
                headers("Access-Client-Id", CI_ID, "Access-Client-Secret", CI_SECRET), ssh, CLIENT);

        assertTrue(d.allowed());
        assertEquals(null, d.appToken());
    }

    private static void assertDenied(Decision d, StreamError error, int status, String sentence) {
        assertFalse(d.allowed());
        assertEquals(error, d.error());
        assertEquals(status, d.error().httpStatus());
        assertEquals(sentence, d.message());
    }

    private static HttpHeaders headers(String... namesAndValues) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            h.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return h;
    }
}
