package dev.portless.it.signin;

import static dev.portless.it.peers.Chromium.awaitTitle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import dev.portless.it.harness.SignInStack.Echo;
import dev.portless.it.harness.TwoEdgeStack;
import dev.portless.it.peers.Chromium;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.Keycloak;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * An OIDC sign-in through a real Keycloak in a real Chromium that crosses two edges sharing PostgreSQL behind
 * HAProxy, steered through its runtime API and checked in each edge's log: edge A serves the CLI's authorization
 * request and sends the browser to Keycloak; Keycloak's answer finds no edge up (as when A goes away mid-sign-in)
 * and the browser's reload reaches edge B, which completes the sign-in with the state, nonce and PKCE verifier A
 * left in the store. The CLI's code from B is redeemed at A, the browser session holds at both edges, and
 * Keycloak's answer replayed at A is refused.
 */
class KeycloakAcrossTwoEdgesTest {
    private static final int A = 0;
    private static final int B = 1;
    private static final String SESSION_COOKIE = "__Host-portless-session";
    private static final String CALLBACK = "/signin/oidc/callback";

    private static Keycloak keycloak;
    private static TwoEdgeStack stack;

    @BeforeAll
    static void start() {
        int lbPort = FreePorts.next();
        // One after the other: on two cores both are CPU-bound, and together each outlasted its start-up timeouts.
        keycloak =
                Keycloak.start("portless", KeycloakSignInBrowserTest.realm("https://127.0.0.1:" + lbPort + CALLBACK));
        stack = TwoEdgeStack.start(
                lbPort,
                KeycloakSignInBrowserTest.provider(keycloak.issuer()),
                Map.of("keycloak-secret", KeycloakSignInBrowserTest.CLIENT_SECRET));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
    }

    @Test
    void aSignInStartedAtOneEdgeIsCompletedByTheOtherAndHoldsAtBoth() throws Exception {
        stack.routeOnlyTo(A);
        try (Chromium chromium = Chromium.start(List.of(stack.edgeSpki()));
                CliStandIn cli = new CliStandIn(
                        stack.issuer(), form -> stack.post(stack.edgePort(A), "/oauth/token", "", form))) {
            WebDriver browser = chromium.driver();
            browser.get(cli.authorizeUrl(TwoEdgeStack.APP, "ha-1"));
            awaitTitle(browser, "Sign in");
            String anonymous = browser.manage().getCookieNamed(SESSION_COOKIE).getValue();
            browser.findElement(By.linkText("Sign in with Keycloak")).click();
            new WebDriverWait(browser, Duration.ofSeconds(60))
                    .until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
            awaitLogged(A, "Sign-in with keycloak started");

            stack.routeNowhere();
            KeycloakSignInBrowserTest.logIn(browser, "alice", "alice-pass");
            String answer = awaitFailedPage(browser, stack.issuer() + CALLBACK + "?");
            stack.routeOnlyTo(B);
            browser.get(answer);
            Map<String, List<String>> callback = cli.nextCallback(60)
                    .orElseThrow(() -> new AssertionError(
                            "no callback; browser at " + browser.getCurrentUrl() + ":\n" + browser.getPageSource()));
            assertEquals(List.of("ha-1"), callback.get("state"));
            awaitTitle(browser, "Signed in — return to your terminal");
            awaitLogged(B, "Signed in alice@example.com .* with keycloak");
            assertNotLogged(B, "Sign-in with keycloak started");
            assertNotLogged(A, "Signed in alice@example.com");

            HttpResponse<String> token = cli.redeem(callback.get("code").get(0));
            assertEquals(200, token.statusCode(), token.body());
            awaitLogged(A, "token app=" + Pattern.quote(TwoEdgeStack.APP) + " identity=alice@example.com");
            String accessToken = (String) JSONObjectUtils.parse(token.body()).get("access_token");
            assertEquals(
                    "alice@example.com",
                    SignedJWT.parse(accessToken).getJWTClaimsSet().getStringClaim("email"));
            for (int edge : new int[] {A, B}) {
                assertEquals(
                        new Echo(101, "edge " + edge),
                        stack.echoThrough(stack.edgePort(edge), accessToken, "edge " + edge));
            }

            String session = browser.manage().getCookieNamed(SESSION_COOKIE).getValue();
            for (int edge : new int[] {A, B}) {
                HttpResponse<String> launcher = stack.get(stack.edgePort(edge), "/", Optional.of(session));
                assertEquals(200, launcher.statusCode(), "edge " + edge + ": " + launcher.body());
                assertTrue(launcher.body().contains("alice@example.com"), "edge " + edge + ": " + launcher.body());
            }
            stack.routeOnlyTo(A);
            browser.get(stack.issuer() + "/");
            awaitTitle(browser, "Your apps");

            // A still holds its copy of the anonymous session that started the sign-in: only the store's
            // single-use login refuses the answer there.
            String path =
                    URI.create(answer).getRawPath() + "?" + URI.create(answer).getRawQuery();
            HttpResponse<String> replay = stack.get(stack.edgePort(A), path, Optional.of(anonymous));
            assertEquals(400, replay.statusCode(), replay.body());
            assertTrue(replay.body().contains("already used"), replay.body());
            browser.get(answer);
            awaitTitle(browser, "Sign-in failed");
            awaitLogged(A, "OIDC callback from \\S+ refused");
            assertNotLogged(B, "OIDC callback from \\S+ refused");
        } finally {
            stack.routeToBoth();
        }
    }

    /**
     * Waits for {@code browser} to have tried to load a page whose address starts with {@code prefix} and failed
     * (nothing answered there); returns that address.
     */
    private static String awaitFailedPage(WebDriver browser, String prefix) {
        try {
            new WebDriverWait(browser, Duration.ofSeconds(60))
                    .until(b -> b.getCurrentUrl().startsWith(prefix));
        } catch (RuntimeException e) {
            throw new AssertionError(
                    "the browser never went to " + prefix + "; it is at " + browser.getCurrentUrl() + ":\n"
                            + browser.getPageSource(),
                    e);
        }
        return browser.getCurrentUrl();
    }

    private static void awaitLogged(int edge, String regex) {
        stack.edge(edge).awaitOutput(Pattern.compile(regex), Duration.ofSeconds(10));
    }

    private static void assertNotLogged(int edge, String regex) {
        String log = stack.edge(edge).stdout() + stack.edge(edge).stderr();
        assertTrue(!Pattern.compile(regex).matcher(log).find(), "edge " + edge + " logged /" + regex + "/:\n" + log);
    }
}
