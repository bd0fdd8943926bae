package dev.portless.connector.edge;

import static dev.portless.connector.edge.HttpBrowser.location;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OidcSignInTest {
    private static FakeOidcProvider idp;
    private static InProcessStack stack;

    @BeforeAll
    static void start() throws Exception {
        idp = new FakeOidcProvider();
        stack = InProcessStack.start("""
                  - hostname: eng.test
                    tunnel: tests
                    policy:
                      include:
                        - groups: [engineers]
                  - hostname: finance.test
                    tunnel: tests
                    policy:
                      include:
                        - groups: [finance]
                """, "", idp.yaml());
    }

    @AfterAll
    static void stop() {
        stack.close();
        idp.close();
    }

    @AfterEach
    void honestAgain() {
        idp.claims = UnaryOperator.identity();
        idp.signing = "RS256";
        idp.user = "alice@corp.example";
        idp.groups = List.of("engineers");
    }

    @Test
    void signsInWithCodePkceStateAndNonceAndReadsGroups() {
        HttpBrowser b = new HttpBrowser(stack);
        HttpResponse<String> page = b.get("/signin?return=%2F");
        assertTrue(
                page.body().contains("href=\"/signin/oidc?provider=fake&amp;return=%2F\">Sign in with Fake SSO"),
                page.body());
        HttpResponse<String> done = roundTrip(b, "/");
        assertEquals(303, done.statusCode(), done.body());
        assertEquals("/", location(done).orElseThrow());
        Map<String, List<String>> q = new QueryStringDecoder("?" + idp.lastAuthorizeQuery).parameters();
        assertEquals(List.of("code"), q.get("response_type"));
        assertEquals(List.of("S256"), q.get("code_challenge_method"));
        assertEquals(List.of("openid email profile"), q.get("scope"));
        assertEquals(List.of(stack.issuer() + "/signin/oidc/callback"), q.get("redirect_uri"));
        assertEquals(43, q.get("nonce").get(0).length());
        HttpResponse<String> launcher = b.get("/");
        assertTrue(launcher.body().contains("alice@corp.example"), launcher.body());
        assertTrue(launcher.body().contains("eng.test"), launcher.body());
        assertFalse(launcher.body().contains("finance.test"), "groups decide");
    }

    @Test
    void refusesAnAnswerWhoseStateIsNotThisBrowsers() {
        HttpBrowser b = new HttpBrowser(stack);
        String idpUrl = location(b.get("/signin/oidc?provider=fake&return=%2F")).orElseThrow();
        String back = location(send(idpUrl)).orElseThrow();
        String forged = back.replaceAll("state=[^&]+", "state=forged");
        HttpResponse<String> r = b.get(forged.substring(forged.indexOf("/signin")));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("does not belong to a sign-in started in this browser"), r.body());
        // A browser without the session (login CSRF) cannot use the genuine answer either.
        HttpResponse<String> other = new HttpBrowser(stack).get(back.substring(back.indexOf("/signin")));
        assertEquals(400, other.statusCode());
    }

    @Test
    void refusesAnAnswerItTookBefore() {
        HttpBrowser b = new HttpBrowser(stack);
        String idpUrl = location(b.get("/signin/oidc?provider=fake&return=%2F")).orElseThrow();
        String back =
                location(send(idpUrl)).orElseThrow().substring(stack.issuer().length());
        // The provider refuses a code it never issued: the sign-in fails and the browser stays anonymous.
        HttpResponse<String> failed = b.get(back.replaceAll("code=[^&]+", "code=never-issued"));
        assertEquals(502, failed.statusCode(), failed.body());
        HttpResponse<String> again = b.get(back);
        assertEquals(400, again.statusCode(), again.body());
        assertTrue(again.body().contains("This sign-in answer was already used; start again."), again.body());
    }

    @Test
    void refusesIdTokensThatFailAnyCheck() {
        Map<String, UnaryOperator<com.nimbusds.jwt.JWTClaimsSet.Builder>> attacks = Map.of(
                "nonce", c -> c.claim("nonce", "replayed"),
                "aud", c -> c.audience("someone-else"),
                "iss", c -> c.issuer("https://evil.example.com"),
                "exp", c -> c.expirationTime(new Date(System.currentTimeMillis() - 600_000)),
                "azp",
                        c -> c.audience(List.of(FakeOidcProvider.CLIENT_ID, "other"))
                                .claim("azp", "other"));
        attacks.forEach((name, attack) -> {
            idp.claims = attack;
            HttpResponse<String> r = roundTrip(new HttpBrowser(stack), "/");
            assertEquals(502, r.statusCode(), name);
            assertTrue(r.body().contains("did not pass the edge&#39;s checks"), name + ": " + r.body());
        });
        idp.claims = UnaryOperator.identity();
        idp.signing = "HS256";
        assertTrue(roundTrip(new HttpBrowser(stack), "/").body().contains("algorithm the edge refuses"));
        idp.signing = "unknown-key";
        assertTrue(roundTrip(new HttpBrowser(stack), "/").body().contains("unknown key"));
    }

    @Test
    void ignoresUnverifiedEmail() {
        idp.claims = c -> c.claim("email_verified", false);
        HttpBrowser b = new HttpBrowser(stack);
        assertEquals(303, roundTrip(b, "/").statusCode());
        HttpResponse<String> launcher = b.get("/");
        assertTrue(launcher.body().contains("sub-alice@corp.example"), launcher.body());
    }

    @Test
    void theCliFlowWorksThroughTheUpstreamProvider() {
        HttpBrowser b = new HttpBrowser(stack);
        String authorize = "/oauth/authorize?response_type=code&client_id=portless-access&redirect_uri="
                + HttpBrowser.enc("http://127.0.0.1:5555/callback") + "&state=s1&code_challenge="
                + "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&app=finance.test";
        String signIn = location(b.get(authorize)).orElseThrow();
        String returnTo =
                new QueryStringDecoder(signIn).parameters().get("return").get(0);
        HttpResponse<String> done = roundTrip(b, returnTo);
        HttpResponse<String> denied = b.get(location(done).orElseThrow());
        assertEquals(302, denied.statusCode(), "alice is not in finance");
        assertTrue(
                location(denied).orElseThrow().startsWith("http://127.0.0.1:5555/callback?error=access_denied&"),
                denied.headers().toString());
        HttpResponse<String> page = b.get("/not-allowed?app=finance.test");
        assertEquals(403, page.statusCode());
        assertTrue(page.body().contains("alice@corp.example is not allowed to reach <strong>finance.test"));
    }

    /** Returns the edge's answer to the provider's redirect back, after a full round trip. */
    private static HttpResponse<String> roundTrip(HttpBrowser b, String returnTo) {
        HttpResponse<String> start = b.get("/signin/oidc?provider=fake&return=" + HttpBrowser.enc(returnTo));
        assertEquals(302, start.statusCode(), start.body());
        String back = location(send(location(start).orElseThrow())).orElseThrow();
        assertTrue(back.startsWith(stack.issuer() + "/signin/oidc/callback?"), back);
        return b.get(back.substring(stack.issuer().length()));
    }

    private static HttpResponse<String> send(String url) {
        try {
            return HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
