package dev.portless.connector.edge;

import static dev.portless.connector.edge.CliOAuthCalls.CALLBACK;
import static dev.portless.connector.edge.CliOAuthCalls.accessToken;
import static dev.portless.connector.edge.CliOAuthCalls.exchange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.portless.connector.edge.CliOAuthCalls.Pkce;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A code used twice means someone else holds it (RFC 6749 §4.1.2): the edge revokes the token its first use
 * obtained and every other token of the browser session it came from, and ends that session.
 */
class CodeReplayTest {
    private static InProcessStack stack;

    @BeforeAll
    static void start() {
        stack = InProcessStack.start("""
                  - hostname: ssh.test
                    tunnel: tests
                    policy:
                      include:
                        - email-domains: [example.com]
                  - hostname: db.test
                    tunnel: tests
                    policy:
                      include:
                        - email-domains: [example.com]
                """, "");
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void aReplayedAuthorizationCodeRevokesEveryTokenOfItsSession() throws Exception {
        HttpBrowser alice = signedIn("alice@example.com");
        Pkce p = new Pkce();
        String code = CliOAuthCalls.code(alice, "ssh.test", p);
        String first = accessToken(exchange(stack, code, p.verifier, CALLBACK));
        Pkce other = new Pkce();
        String sibling =
                accessToken(exchange(stack, CliOAuthCalls.code(alice, "db.test", other), other.verifier, CALLBACK));
        HttpBrowser bob = signedIn("bob@example.com");
        Pkce bobs = new Pkce();
        String unrelated =
                accessToken(exchange(stack, CliOAuthCalls.code(bob, "ssh.test", bobs), bobs.verifier, CALLBACK));
        assertEquals(101, open("ssh.test", first).status());
        assertEquals(101, open("db.test", sibling).status());

        HttpResponse<String> replay = exchange(stack, code, p.verifier, CALLBACK);
        assertEquals(400, replay.statusCode());
        assertEquals("invalid_grant", JSONObjectUtils.parse(replay.body()).get("error"));

        InProcessStack.Answer refused = open("ssh.test", first);
        assertEquals(401, refused.status());
        assertTrue(refused.body().contains("was refused: it was revoked; sign in again."), refused.body());
        assertEquals(401, open("db.test", sibling).status(), "every token of the session is revoked");
        assertEquals(101, open("ssh.test", unrelated).status(), "another session's token is not");
        String again = HttpBrowser.location(alice.get(CliOAuthCalls.authorize("ssh.test", "s", p.challenge, CALLBACK)))
                .orElseThrow();
        assertTrue(again.startsWith("/signin?"), "the session that obtained the code was ended: " + again);
    }

    @Test
    void aReplayedDeviceCodeRevokesTheTokenItObtained() throws Exception {
        HttpBrowser carol = signedIn("carol@example.com");
        Map<String, Object> d = CliOAuthCalls.deviceAuthorization(stack, "ssh.test");
        CliOAuthCalls.approveDevice(carol, (String) d.get("user_code"));
        String deviceCode = (String) d.get("device_code");
        String token = accessToken(CliOAuthCalls.poll(stack, deviceCode));
        assertEquals(101, open("ssh.test", token).status());

        HttpResponse<String> replay = CliOAuthCalls.poll(stack, deviceCode);
        assertEquals("invalid_grant", JSONObjectUtils.parse(replay.body()).get("error"), replay.body());
        assertEquals(
                "The device_code was already used; start the sign-in again.",
                JSONObjectUtils.parse(replay.body()).get("error_description"));
        assertEquals(401, open("ssh.test", token).status());
    }

    private static InProcessStack.Answer open(String app, String token) {
        return stack.upgrade(app, Map.of("Authorization", "Bearer " + token));
    }

    private static HttpBrowser signedIn(String email) {
        HttpBrowser browser = new HttpBrowser(stack);
        browser.signInWithPin(email, "/");
        return browser;
    }
}
