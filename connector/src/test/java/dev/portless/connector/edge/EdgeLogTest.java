package dev.portless.connector.edge;

import static dev.portless.connector.edge.CliOAuthCalls.CALLBACK;
import static dev.portless.connector.edge.CliOAuthCalls.accessToken;
import static dev.portless.connector.edge.CliOAuthCalls.exchange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.portless.connector.edge.CliOAuthCalls.Pkce;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs every sign-in flow, a stream, service tokens and a replay against a real edge and connector, then
 * scans what they logged for each secret-equivalent value that went by: PIN, session cookie, CSRF token,
 * authorization code, PKCE verifier, app token, user code, device code, service token and tunnel secrets; and
 * checks that both ends of the tunnel connection log the post-quantum key exchange they agreed on.
 */
class EdgeLogTest {

    @Test
    void noSecretReachesTheLogAndBothTunnelEndsLogTheirKeyExchange() throws Exception {
        final PrintStream stderr = System.err;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final List<String> secrets = new ArrayList<>();
        // slf4j-simple writes each line to whatever System.err is at that moment.
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (InProcessStack stack = InProcessStack.start("""
                  - hostname: ssh.test
                    tunnel: tests
                    policy:
                      include:
                        - email-domains: [example.com]
                        - service-tokens: [ci]
                """, "")) {
            HttpBrowser alice = new HttpBrowser(stack);
            alice.signInWithPin("alice@example.com", "/");
            secrets.add(alice.pinFor("alice@example.com"));
            secrets.add(alice.session());
            secrets.add(HttpBrowser.csrf(alice.get("/device")));

            Pkce p = new Pkce();
            String code = CliOAuthCalls.code(alice, "ssh.test", p);
            String token = accessToken(exchange(stack, code, p.verifier, CALLBACK));
            secrets.addAll(List.of(code, p.verifier, token, token.substring(token.lastIndexOf('.') + 1)));
            assertEquals(
                    101,
                    stack.upgrade("ssh.test", Map.of("Authorization", "Bearer " + token))
                            .status());
            assertEquals(
                    401,
                    stack.upgrade("ssh.test", Map.of("Authorization", "Bearer " + token + "x"))
                            .status());

            Map<String, Object> d = CliOAuthCalls.deviceAuthorization(stack, "ssh.test");
            String userCode = (String) d.get("user_code");
            secrets.addAll(List.of(userCode, userCode.replace("-", ""), (String) d.get("device_code")));
            CliOAuthCalls.approveDevice(alice, userCode);
            secrets.add(accessToken(CliOAuthCalls.poll(stack, (String) d.get("device_code"))));

            secrets.add(stack.clientSecret());
            assertEquals(101, withServiceToken(stack, stack.clientSecret()));
            assertEquals(401, withServiceToken(stack, stack.clientSecret() + "x"));
            exchange(stack, code, p.verifier, CALLBACK); // the replay that revokes
            JSONObjectUtils.parse(Files.readString(stack.dir().resolve("tunnel.json"))).values().stream()
                    .filter(v -> v instanceof String s && s.length() >= 16)
                    .forEach(v -> secrets.add((String) v));
        } finally {
            System.setErr(stderr);
        }
        final String log = captured.toString(StandardCharsets.UTF_8);
        stderr.print(log);
        assertTrue(log.contains("device authorization app=ssh.test"), "the log was captured:\n" + log);
        assertTrue(log.contains("replayed authorization code"), log);
        assertTrue(
                log.contains(") registered (TLSv1.3, key exchange X25519MLKEM768 (post-quantum)); tunnel tests has"),
                "the edge's end:\n" + log);
        assertTrue(
                log.matches("(?s).*registered tunnel tests with edge \\S+ \\(TLSv1\\.3, key exchange X25519MLKEM768 "
                        + "\\(post-quantum\\)\\).*"),
                "the connector's end:\n" + log);
        for (String secret : secrets) {
            assertTrue(secret.length() >= 6, secret);
            assertTrue(!log.contains(secret), "the log holds a secret (" + secret.length() + " characters)");
        }
    }

    private static int withServiceToken(InProcessStack stack, String secret) {
        return stack.upgrade("ssh.test", Map.of("Access-Client-Id", stack.clientId(), "Access-Client-Secret", secret))
                .status();
    }
}
