package dev.portless.connector.edge;

import static dev.portless.connector.edge.CliOAuthCalls.CALLBACK;
import static dev.portless.connector.edge.CliOAuthCalls.accessToken;
import static dev.portless.connector.edge.CliOAuthCalls.exchange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.admin.AdminAnswer;
import dev.portless.connector.edge.CliOAuthCalls.Pkce;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A single edge (the in-memory store) keeps an administrator's sign-out and a replayed code's revocation in its
 * state directory: after a restart, the tokens they refused are still refused.
 */
class RevocationsAcrossRestartTest {
    @Test
    void aSignedOutTokenAndARevokedTokenAreStillRefusedAfterARestart() throws Exception {
        try (InProcessStack stack = InProcessStack.start("""
                  - hostname: ssh.test
                    tunnel: tests
                    policy:
                      include:
                        - email-domains: [example.com]
                """, "")) {
            String alice = token(stack, "alice@example.com");
            Pkce p = new Pkce();
            String code = CliOAuthCalls.code(signedIn(stack, "bob@example.com"), "ssh.test", p);
            String bob = accessToken(exchange(stack, code, p.verifier, CALLBACK));
            assertEquals(101, open(stack, alice).status());
            assertEquals(101, open(stack, bob).status());

            AdminAnswer signOut = stack.edge().signOutCommand().run("{\"user\": \"alice@example.com\"}");
            assertEquals(200, signOut.status(), signOut.json());
            assertEquals(400, exchange(stack, code, p.verifier, CALLBACK).statusCode(), "the replay of bob's code");
            assertEquals(401, open(stack, alice).status());
            assertEquals(401, open(stack, bob).status());

            stack.restartEdge();

            InProcessStack.Answer aliceAfter = open(stack, alice);
            assertEquals(401, aliceAfter.status(), aliceAfter.body());
            assertTrue(aliceAfter.body().contains("signed out by an administrator"), aliceAfter.body());
            InProcessStack.Answer bobAfter = open(stack, bob);
            assertEquals(401, bobAfter.status(), bobAfter.body());
            assertTrue(bobAfter.body().contains("it was revoked"), bobAfter.body());
        }
    }

    private static String token(InProcessStack stack, String email) throws Exception {
        Pkce p = new Pkce();
        String code = CliOAuthCalls.code(signedIn(stack, email), "ssh.test", p);
        return accessToken(exchange(stack, code, p.verifier, CALLBACK));
    }

    private static InProcessStack.Answer open(InProcessStack stack, String token) {
        return stack.upgrade("ssh.test", Map.of("Authorization", "Bearer " + token));
    }

    private static HttpBrowser signedIn(InProcessStack stack, String email) {
        HttpBrowser browser = new HttpBrowser(stack);
        browser.signInWithPin(email, "/");
        return browser;
    }
}
