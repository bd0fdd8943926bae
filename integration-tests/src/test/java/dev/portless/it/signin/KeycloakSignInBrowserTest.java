package dev.portless.it.signin;

import static dev.portless.it.peers.Chromium.awaitTitle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import dev.portless.it.harness.SignInStack;
import dev.portless.it.peers.Chromium;
import dev.portless.it.peers.Keycloak;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Sign-in through a real Keycloak in a real Chromium: the edge as an OIDC client (code + PKCE + state +
 * nonce), groups from the ID token deciding the app's policy. Alice (group engineers) gets an app
 * token and a working stream; Bob (group sales) is shown "not allowed" and the CLI gets no code.
 */
class KeycloakSignInBrowserTest {
    /** The edge's client secret at Keycloak. */
    static final String CLIENT_SECRET = "kc-test-secret";

    private static Keycloak keycloak;
    private static SignInStack stack;

    @BeforeAll
    static void start() {
        SignInStack.Builder b = SignInStack.builder();
        keycloak = Keycloak.start("portless", realm(b.issuer() + "/signin/oidc/callback"));
        stack = b.app("eng.portless.test", "include:\n  - groups: [engineers]\n")
                .secretFile("keycloak-secret", CLIENT_SECRET)
                .provider(provider(keycloak.issuer()).indent(2))
                .build()
                .start();
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
    void anEngineerSignsInAndReachesTheApp() throws Exception {
        try (Chromium chromium = Chromium.start(List.of(stack.edgeSpki()));
                CliStandIn cli = new CliStandIn(stack)) {
            WebDriver browser = chromium.driver();
            browser.get(cli.authorizeUrl("eng.portless.test", "kc-1"));
            awaitTitle(browser, "Sign in");
            chromium.screenshot("sign-in-providers");
            browser.findElement(By.linkText("Sign in with Keycloak")).click();
            logIn(browser, "alice", "alice-pass");
            Map<String, List<String>> callback = cli.nextCallback(60)
                    .orElseThrow(() -> new AssertionError(
                            "no callback; browser at " + browser.getCurrentUrl() + ":\n" + browser.getPageSource()));
            assertEquals(List.of("kc-1"), callback.get("state"));
            awaitTitle(browser, "Signed in — return to your terminal");
            HttpResponse<String> token = cli.redeem(callback.get("code").get(0));
            assertEquals(200, token.statusCode(), token.body());
            String accessToken = (String) JSONObjectUtils.parse(token.body()).get("access_token");
            SignedJWT jwt = SignedJWT.parse(accessToken);
            assertEquals("alice@example.com", jwt.getJWTClaimsSet().getStringClaim("email"));
            assertEquals(List.of("engineers"), jwt.getJWTClaimsSet().getStringListClaim("groups"));
            assertEquals(List.of("eng.portless.test"), jwt.getJWTClaimsSet().getAudience());
            assertEquals(
                    new SignInStack.Echo(101, "hi from alice"),
                    stack.echoThrough("eng.portless.test", accessToken, "hi from alice"));
        }
    }

    @Test
    void someoneOutsideTheGroupIsNotAllowed() {
        try (Chromium chromium = Chromium.start(List.of(stack.edgeSpki()));
                CliStandIn cli = new CliStandIn(stack)) {
            WebDriver browser = chromium.driver();
            browser.get(cli.authorizeUrl("eng.portless.test", "kc-2"));
            awaitTitle(browser, "Sign in");
            browser.findElement(By.linkText("Sign in with Keycloak")).click();
            logIn(browser, "bob", "bob-pass");
            Map<String, List<String>> refused = cli.nextCallback(60).orElseThrow();
            assertEquals(List.of("access_denied"), refused.get("error"));
            assertFalse(refused.containsKey("code"), "no code for a refused person");
            awaitTitle(browser, "Not allowed");
            assertTrue(
                    browser.getPageSource().contains("bob@example.com is not allowed to reach"),
                    browser.getPageSource());
            chromium.screenshot("not-allowed-keycloak");
        }
    }

    /** Returns the edge's identity provider entry for the realm whose issuer is {@code issuer}, a YAML list item. */
    static String provider(String issuer) {
        return """
                - name: keycloak
                  type: oidc
                  display-name: Keycloak
                  issuer: %s
                  client-id: portless-edge
                  client-secret-file: keycloak-secret
                  groups-claim: groups
                """.formatted(issuer);
    }

    /** Logs {@code user} in on Keycloak's login page, once it shows. */
    static void logIn(WebDriver browser, String user, String password) {
        new WebDriverWait(browser, Duration.ofSeconds(60))
                .until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("kc-login")).click();
    }

    /** Returns a realm with a confidential client for the edge, PKCE S256, a groups mapper, and two users. */
    static String realm(String redirectUri) {
        return """
                {"realm": "portless", "enabled": true, "sslRequired": "none",
                 "groups": [{"name": "engineers"}, {"name": "sales"}],
                 "users": [
                   {"username": "alice", "enabled": true, "email": "alice@example.com", "emailVerified": true,
                    "firstName": "Alice", "lastName": "Example", "groups": ["/engineers"],
                    "credentials": [{"type": "password", "value": "alice-pass", "temporary": false}]},
                   {"username": "bob", "enabled": true, "email": "bob@example.com", "emailVerified": true,
                    "firstName": "Bob", "lastName": "Example", "groups": ["/sales"],
                    "credentials": [{"type": "password", "value": "bob-pass", "temporary": false}]}],
                 "clients": [
                   {"clientId": "portless-edge", "enabled": true, "protocol": "openid-connect", "publicClient": false,
                    "clientAuthenticatorType": "client-secret", "secret": "%s",
                    "standardFlowEnabled": true, "directAccessGrantsEnabled": false,
                    "redirectUris": ["%s"],
                    "attributes": {"pkce.code.challenge.method": "S256"},
                    "protocolMappers": [
                      {"name": "groups", "protocol": "openid-connect", "protocolMapper": "oidc-group-membership-mapper",
                       "config": {"claim.name": "groups", "full.path": "false", "id.token.claim": "true",
                                  "access.token.claim": "true", "userinfo.token.claim": "true"}}]}]}
                """.formatted(CLIENT_SECRET, redirectUri);
    }
}
