package dev.portless.connector.edge;

import static dev.portless.connector.edge.HttpBrowser.csrf;
import static dev.portless.connector.edge.HttpBrowser.location;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import dev.portless.connector.edge.CliOAuthCalls.Pkce;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The edge as the CLI's authorization server: loopback redirect + PKCE, device code, and the attacks
 * on both.
 */
class OAuthFlowTest {
    private static final String CALLBACK = CliOAuthCalls.CALLBACK;
    private static InProcessStack stack;
    private static HttpBrowser alice;

    @BeforeAll
    static void start() {
        stack = InProcessStack.start("""
                  - hostname: ssh.test
                    tunnel: tests
                    session-duration: 8h
                    policy:
                      include:
                        - email-domains: [example.com]
                  - hostname: db.test
                    tunnel: tests
                    policy:
                      include:
                        - emails: [alice@example.com]
                  - hostname: secret.test
                    tunnel: tests
                    policy:
                      include:
                        - emails: [root@example.com]
                """, "");
        alice = new HttpBrowser(stack);
        alice.signInWithPin("alice@example.com", "/");
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void publishesRfc8414Metadata() throws Exception {
        HttpResponse<String> r = stack.get("/.well-known/oauth-authorization-server");
        assertEquals(200, r.statusCode());
        Map<String, Object> m = JSONObjectUtils.parse(r.body());
        String i = stack.issuer();
        assertEquals(i, m.get("issuer"));
        assertEquals(i + "/oauth/authorize", m.get("authorization_endpoint"));
        assertEquals(i + "/oauth/token", m.get("token_endpoint"));
        assertEquals(i + "/oauth/device_authorization", m.get("device_authorization_endpoint"));
        assertEquals(i + "/.well-known/jwks.json", m.get("jwks_uri"));
        assertEquals(List.of("S256"), m.get("code_challenge_methods_supported"));
        assertEquals(
                List.of("authorization_code", "urn:ietf:params:oauth:grant-type:device_code"),
                m.get("grant_types_supported"));
    }

    @Test
    void loopbackFlowIssuesAnAppTokenThatOpensAStream() throws Exception {
        Pkce pkce = new Pkce();
        HttpResponse<String> r = alice.get(authorize("ssh.test", "st-1", pkce.challenge, CALLBACK));
        assertEquals(302, r.statusCode(), r.body());
        Map<String, List<String>> q = new QueryStringDecoder(location(r).orElseThrow()).parameters();
        assertTrue(
                location(r).get().startsWith(CALLBACK + "?code="), location(r).get());
        assertEquals(List.of("st-1"), q.get("state"));
        HttpResponse<String> token = exchange(q.get("code").get(0), pkce.verifier, CALLBACK);
        assertEquals(200, token.statusCode(), token.body());
        assertEquals("no-store", token.headers().firstValue("Cache-Control").orElseThrow());
        Map<String, Object> t = JSONObjectUtils.parse(token.body());
        assertEquals("Bearer", t.get("token_type"));
        assertEquals("ssh.test", t.get("app"));
        assertEquals(8 * 3600L, ((Number) t.get("expires_in")).longValue());
        SignedJWT jwt = SignedJWT.parse((String) t.get("access_token"));
        assertEquals("portless-app+jwt", jwt.getHeader().getType().getType());
        assertEquals(List.of("ssh.test"), jwt.getJWTClaimsSet().getAudience());
        assertEquals("alice@example.com", jwt.getJWTClaimsSet().getStringClaim("email"));
        assertEquals(stack.issuer(), jwt.getJWTClaimsSet().getIssuer());
        assertEquals(
                101,
                stack.upgrade("ssh.test", Map.of("Authorization", "Bearer " + t.get("access_token")))
                        .status());
        assertEquals(
                401,
                stack.upgrade("db.test", Map.of("Authorization", "Bearer " + t.get("access_token")))
                        .status(),
                "a token opens only its own app");
    }

    @Test
    void aSecondAppReusesTheBrowserSession() {
        for (String app : List.of("ssh.test", "db.test")) {
            HttpResponse<String> r = alice.get(authorize(app, "s-" + app, new Pkce().challenge, CALLBACK));
            assertEquals(302, r.statusCode());
            assertTrue(location(r).orElseThrow().startsWith(CALLBACK + "?code="), "no sign-in prompt for " + app);
        }
    }

    @Test
    void withoutASessionTheAuthorizeRequestComesBackAfterSignIn() {
        HttpBrowser b = new HttpBrowser(stack);
        String path = authorize("ssh.test", "later", new Pkce().challenge, CALLBACK);
        HttpResponse<String> r = b.get(path);
        assertEquals(302, r.statusCode());
        String signIn = location(r).orElseThrow();
        assertTrue(signIn.startsWith("/signin?return=%2Foauth%2Fauthorize%3F"), signIn);
        HttpResponse<String> page = b.get(signIn);
        assertTrue(page.body().contains("Sign in to reach <strong>ssh.test</strong>"), page.body());
        String back = b.signInWithPin(
                "frank@example.com",
                new QueryStringDecoder(signIn).parameters().get("return").get(0));
        HttpResponse<String> again = b.get(back);
        assertTrue(
                location(again).orElseThrow().startsWith(CALLBACK + "?code="),
                location(again).get());
        assertTrue(location(again).get().endsWith("&state=later"));
    }

    @Test
    void neverRedirectsToAnythingButTheLoopbackCallback() {
        for (String bad : List.of(
                "https://evil.example.com/callback",
                "http://evil.example.com/callback",
                "http://localhost:43123/callback",
                "http://127.0.0.1:43123/other",
                "http://127.0.0.1:43123/callback/",
                "http://127.0.0.1:43123/callback?next=https://evil.example.com",
                "http://127.0.0.1/callback",
                "http://127.0.0.1:80@evil.example.com/callback",
                "http://[::2]:43123/callback",
                "https://127.0.0.1:43123/callback",
                "")) {
            HttpResponse<String> r = alice.get(authorize("ssh.test", "s", new Pkce().challenge, bad));
            assertEquals(400, r.statusCode(), bad);
            assertEquals(Optional.empty(), location(r), bad);
            assertTrue(r.body().contains("Sign-in request refused"), bad);
        }
        HttpResponse<String> v6 =
                alice.get(authorize("ssh.test", "s", new Pkce().challenge, "http://[::1]:43123/callback"));
        assertTrue(location(v6).orElseThrow().startsWith("http://[::1]:43123/callback?code="));
        HttpResponse<String> otherClient = alice.get(authorize("ssh.test", "s", new Pkce().challenge, CALLBACK)
                .replace("client_id=portless-access", "client_id=evil"));
        assertEquals(400, otherClient.statusCode());
        assertEquals(Optional.empty(), location(otherClient));
    }

    @Test
    void refusesMissingStateAndMissingOrPlainPkceWithoutACode() {
        Pkce p = new Pkce();
        String noState = authorize("ssh.test", "x", p.challenge, CALLBACK).replace("&state=x", "");
        assertRedirectError(alice.get(noState), "invalid_request", null);
        String noPkce = authorize("ssh.test", "x", p.challenge, CALLBACK)
                .replace("&code_challenge=" + p.challenge, "")
                .replace("&code_challenge_method=S256", "");
        assertRedirectError(alice.get(noPkce), "invalid_request", "x");
        String plain = authorize("ssh.test", "x", p.verifier, CALLBACK).replace("S256", "plain");
        assertRedirectError(alice.get(plain), "invalid_request", "x");
        String duplicated = authorize("ssh.test", "x", p.challenge, CALLBACK) + "&state=y";
        assertEquals(400, alice.get(duplicated).statusCode());
    }

    @Test
    void aCodeWorksOnceAndOnlyWithItsVerifierAndRedirect() throws Exception {
        Pkce p = new Pkce();
        // A replay ends the session the code came from, so each replayed code comes from a session of its own.
        String code = CliOAuthCalls.code(signedIn("replay-1@example.com"), "ssh.test", p);
        assertTokenError(
                exchange(code, new Pkce().verifier, CALLBACK),
                "invalid_grant",
                "The code_verifier does not match the code_challenge.");
        assertTokenError(
                exchange(code, p.verifier, CALLBACK),
                "invalid_grant",
                "The authorization code was already used; sign in again.");
        String replayed = CliOAuthCalls.code(signedIn("replay-2@example.com"), "ssh.test", p);
        assertEquals(200, exchange(replayed, p.verifier, CALLBACK).statusCode());
        assertTokenError(
                exchange(replayed, p.verifier, CALLBACK),
                "invalid_grant",
                "The authorization code was already used; sign in again.");
        assertTokenError(
                exchange(code("ssh.test", p), p.verifier, "http://127.0.0.1:9/callback"),
                "invalid_grant",
                "The redirect_uri differs from the one the code was issued for.");
        assertTokenError(
                exchange(code("ssh.test", p), null, CALLBACK),
                "invalid_grant",
                "The code_verifier does not match the code_challenge.");
        assertTokenError(
                exchange("made-up", p.verifier, CALLBACK),
                "invalid_grant",
                "The authorization code is not valid; sign in again.");
        HttpResponse<String> noClient = stack.post(
                "/oauth/token",
                Map.of(
                        "grant_type",
                        "authorization_code",
                        "code",
                        code("ssh.test", p),
                        "code_verifier",
                        p.verifier,
                        "redirect_uri",
                        CALLBACK));
        assertEquals(401, noClient.statusCode());
        assertTokenError(
                stack.post("/oauth/token", Map.of("grant_type", "password", "client_id", "portless-access")),
                "unsupported_grant_type",
                null);
    }

    @Test
    void aPolicyDenialIsReportedToTheCliAndExplainedOnTheEdgesPage() {
        HttpResponse<String> r = alice.get(authorize("secret.test", "s", new Pkce().challenge, CALLBACK));
        assertRedirectError(r, "access_denied", "s");
        assertEquals(
                List.of("alice@example.com is not allowed to reach secret.test."),
                new QueryStringDecoder(location(r).orElseThrow()).parameters().get("error_description"));

        HttpResponse<String> page = alice.get("/not-allowed?app=secret.test");
        assertEquals(403, page.statusCode());
        assertTrue(
                page.body().contains("alice@example.com is not allowed to reach <strong>secret.test</strong>"),
                page.body());
        // Nothing to explain for an app she may reach, or one that does not exist.
        assertEquals(Optional.of("/"), location(alice.get("/not-allowed?app=ssh.test")));
        assertEquals(Optional.of("/"), location(alice.get("/not-allowed?app=nope.test")));
    }

    @Test
    void unknownAppsAreReportedToTheCli() {
        assertRedirectError(
                alice.get(authorize("nope.test", "s", new Pkce().challenge, CALLBACK)), "invalid_request", "s");
    }

    @Test
    void deviceFlowFromCodeToToken() throws Exception {
        Map<String, Object> d = deviceAuthorization("ssh.test");
        String userCode = (String) d.get("user_code");
        assertTrue(userCode.matches("[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}"), userCode);
        assertEquals(stack.issuer() + "/device", d.get("verification_uri"));
        assertEquals(stack.issuer() + "/device?user_code=" + userCode, d.get("verification_uri_complete"));
        assertEquals(600L, ((Number) d.get("expires_in")).longValue());
        assertEquals(5L, ((Number) d.get("interval")).longValue());
        String deviceCode = (String) d.get("device_code");
        assertTokenError(poll(deviceCode), "authorization_pending", null);

        HttpResponse<String> entry =
                alice.get("/device?user_code=" + userCode.toLowerCase().replace("-", ""));
        assertTrue(entry.body().contains("value=\"" + userCode + "\""), entry.body());
        HttpResponse<String> confirm =
                alice.post("/device", Map.of("csrf", csrf(entry), "user_code", userCode.toLowerCase()));
        assertEquals(200, confirm.statusCode(), confirm.body());
        assertTrue(confirm.body().contains("<dd>127.0.0.1</dd>"), confirm.body());
        assertTrue(confirm.body().contains("<dd>portless-test-cli/1.0</dd>"), confirm.body());
        assertTrue(confirm.body().contains("<dd>ssh.test</dd>"), confirm.body());
        HttpResponse<String> done = alice.post(
                "/device/approve", Map.of("csrf", csrf(confirm), "user_code", userCode, "decision", "allow"));
        assertTrue(done.body().contains("Signed in — return to your terminal"), done.body());
        Thread.sleep(4_200);
        HttpResponse<String> token = poll(deviceCode);
        assertEquals(200, token.statusCode(), token.body());
        assertEquals("ssh.test", JSONObjectUtils.parse(token.body()).get("app"));
        Thread.sleep(4_200);
        assertTokenError(poll(deviceCode), "invalid_grant", null);
    }

    @Test
    void pollingTooFastSlowsDown() throws Exception {
        String deviceCode = (String) deviceAuthorization("ssh.test").get("device_code");
        assertTokenError(poll(deviceCode), "authorization_pending", null);
        assertTokenError(poll(deviceCode), "slow_down", "Polling too fast; wait 10 seconds between requests.");
    }

    @Test
    void aDeniedDeviceIsToldSo() throws Exception {
        Map<String, Object> d = deviceAuthorization("ssh.test");
        HttpResponse<String> entry = alice.get("/device");
        HttpResponse<String> confirm =
                alice.post("/device", Map.of("csrf", csrf(entry), "user_code", (String) d.get("user_code")));
        alice.post(
                "/device/approve",
                Map.of("csrf", csrf(confirm), "user_code", (String) d.get("user_code"), "decision", "deny"));
        assertTokenError(
                poll((String) d.get("device_code")),
                "access_denied",
                "alice@example.com denied the sign-in of this device.");
    }

    @Test
    void aDeviceForAnAppThePolicyRefusesIsDenied() throws Exception {
        Map<String, Object> d = deviceAuthorization("secret.test");
        HttpResponse<String> entry = alice.get("/device");
        HttpResponse<String> confirm =
                alice.post("/device", Map.of("csrf", csrf(entry), "user_code", (String) d.get("user_code")));
        HttpResponse<String> r = alice.post(
                "/device/approve",
                Map.of("csrf", csrf(confirm), "user_code", (String) d.get("user_code"), "decision", "allow"));
        assertEquals(403, r.statusCode());
        assertTokenError(
                poll((String) d.get("device_code")),
                "access_denied",
                "alice@example.com is not allowed to reach secret.test.");
    }

    @Test
    void deviceCodeGuessesAreLimitedPerSession() throws Exception {
        HttpBrowser guesser = new HttpBrowser(stack);
        guesser.signInWithPin("mallory@example.com", "/");
        String real = (String) deviceAuthorization("ssh.test").get("user_code");
        HttpResponse<String> page = guesser.get("/device");
        for (int left = 4; left >= 0; left--) {
            page = guesser.post("/device", Map.of("csrf", csrf(page), "user_code", "BBBB-BBBB"));
            assertTrue(page.body().contains(left + (left == 1 ? " try left." : " tries left.")), page.body());
        }
        HttpResponse<String> blocked = guesser.post("/device", Map.of("csrf", csrf(page), "user_code", real));
        assertTrue(blocked.body().contains("Too many wrong codes; wait 15 minutes"), blocked.body());
        assertFalse(blocked.body().contains("Allow this device?"));
    }

    @Test
    void theDevicePageNeedsASignIn() {
        HttpResponse<String> r = new HttpBrowser(stack).get("/device?user_code=BCDF-GHJK");
        assertEquals(Optional.of("/signin?return=%2Fdevice%3Fuser_code%3DBCDF-GHJK"), location(r));
    }

    private static void assertRedirectError(HttpResponse<String> r, String error, String state) {
        assertEquals(302, r.statusCode(), r.body());
        String loc = location(r).orElseThrow();
        assertTrue(loc.startsWith(CALLBACK + "?error=" + error + "&error_description="), loc);
        assertFalse(loc.contains("code="), loc);
        Map<String, List<String>> q = new QueryStringDecoder(loc).parameters();
        assertEquals(state == null ? null : List.of(state), q.get("state"));
    }

    private static void assertTokenError(HttpResponse<String> r, String error, String description) throws Exception {
        Map<String, Object> json = JSONObjectUtils.parse(r.body());
        assertEquals(error, json.get("error"), r.body());
        assertNotNull(json.get("error_description"));
        if (description != null) {
            assertEquals(description, json.get("error_description"));
        }
    }

    private static HttpBrowser signedIn(String email) {
        HttpBrowser browser = new HttpBrowser(stack);
        browser.signInWithPin(email, "/");
        return browser;
    }

    private static String code(String app, Pkce p) {
        return CliOAuthCalls.code(alice, app, p);
    }

    private static String authorize(String app, String state, String challenge, String redirect) {
        return CliOAuthCalls.authorize(app, state, challenge, redirect);
    }

    private static HttpResponse<String> exchange(String code, String verifier, String redirect) {
        return CliOAuthCalls.exchange(stack, code, verifier, redirect);
    }

    private static Map<String, Object> deviceAuthorization(String app) throws Exception {
        return CliOAuthCalls.deviceAuthorization(stack, app);
    }

    private static HttpResponse<String> poll(String deviceCode) {
        return CliOAuthCalls.poll(stack, deviceCode);
    }
}
