package dev.portless.it.signin;

import static dev.portless.it.peers.Chromium.awaitTitle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.portless.it.harness.SignInStack;
import dev.portless.it.peers.Chromium;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;

/**
 * A person signs in with an e-mail PIN in a real Chromium, as the {@code access} CLI asks them to:
 * loopback redirect, a second app without a prompt, a refused app, the launcher, a device code, and
 * sign-out. With {@code PORTLESS_SCREENSHOTS=docs/screenshots} it saves each page.
 */
class PinSignInBrowserTest {
    private static SignInStack stack;

    @BeforeAll
    static void start() {
        stack = SignInStack.builder()
                .app("ssh.portless.test", "include:\n  - email-domains: [example.com]\n")
                .app("db.portless.test", "include:\n  - emails: [alice@example.com]\n")
                .app("vault.portless.test", "include:\n  - emails: [root@example.com]\n")
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void signsInFromTheCliThenReusesTheSessionThenSignsOut() throws Exception {
        try (Chromium chromium = Chromium.start(List.of(stack.edgeSpki()));
                CliStandIn cli = new CliStandIn(stack)) {
            WebDriver browser = chromium.driver();
            browser.get(cli.authorizeUrl("ssh.portless.test", "state-1"));
            awaitTitle(browser, "Sign in");
            assertTrue(browser.getPageSource().contains("Sign in to reach <strong>ssh.portless.test</strong>"));
            assertEquals(
                    "email",
                    browser.findElement(By.cssSelector("label[for=email]")).getAttribute("for"));
            browser.findElement(By.id("email")).sendKeys("alice@example.com");
            chromium.screenshot("sign-in");
            // Keyboard only: Enter submits.
            browser.findElement(By.id("email")).sendKeys(Keys.ENTER);
            awaitTitle(browser, "Enter your code");
            assertTrue(browser.getPageSource().contains("5 attempts left."));
            browser.findElement(By.id("pin")).sendKeys("000000", Keys.ENTER);
            awaitTitle(browser, "Enter your code");
            boolean wrongFirst = !stack.pinFor("alice@example.com").equals("000000");
            if (wrongFirst) {
                assertTrue(browser.getPageSource().contains("4 attempts left."), browser.getPageSource());
            }
            browser.findElement(By.id("pin")).clear();
            browser.findElement(By.id("pin")).sendKeys(stack.pinFor("alice@example.com"));
            chromium.screenshot("pin-entry");
            browser.findElement(By.id("pin")).sendKeys(Keys.ENTER);

            Map<String, List<String>> callback = cli.nextCallback(30)
                    .orElseThrow(
                            () -> new AssertionError("the CLI's callback was not called: " + browser.getCurrentUrl()));
            assertEquals(List.of("state-1"), callback.get("state"));
            awaitTitle(browser, "Signed in — return to your terminal");
            chromium.screenshot("signed-in");
            HttpResponse<String> token = cli.redeem(callback.get("code").get(0));
            assertEquals(200, token.statusCode(), token.body());
            String accessToken = (String) JSONObjectUtils.parse(token.body()).get("access_token");
            assertEquals(
                    new SignInStack.Echo(101, "hello through the tunnel"),
                    stack.echoThrough("ssh.portless.test", accessToken, "hello through the tunnel"));

            // A second app: the browser session answers, no sign-in page.
            browser.get(cli.authorizeUrl("db.portless.test", "state-2"));
            Map<String, List<String>> second = cli.nextCallback(30).orElseThrow();
            assertEquals(List.of("state-2"), second.get("state"));
            assertEquals(200, cli.redeem(second.get("code").get(0)).statusCode());

            // An app the policy refuses: the CLI hears at once (no code), the edge's page says why.
            browser.get(cli.authorizeUrl("vault.portless.test", "state-3"));
            Map<String, List<String>> refused = cli.nextCallback(30).orElseThrow();
            assertEquals(List.of("access_denied"), refused.get("error"));
            assertEquals(
                    List.of("alice@example.com is not allowed to reach vault.portless.test."),
                    refused.get("error_description"));
            assertFalse(refused.containsKey("code"));
            awaitTitle(browser, "Not allowed");
            assertTrue(browser.getPageSource().contains("alice@example.com is not allowed to reach"));
            chromium.screenshot("not-allowed");

            browser.get(stack.issuer() + "/");
            awaitTitle(browser, "Your apps");
            String launcher = browser.getPageSource();
            assertTrue(launcher.contains("access tcp --hostname ssh.portless.test"), launcher);
            assertTrue(launcher.contains("db.portless.test"));
            assertFalse(launcher.contains("vault.portless.test"));
            chromium.screenshot("launcher");

            HttpResponse<String> started = stack.post(
                    "/oauth/device_authorization", Map.of("client_id", "portless-access", "app", "ssh.portless.test"));
            Map<String, Object> device = JSONObjectUtils.parse(started.body());
            browser.get((String) device.get("verification_uri_complete"));
            awaitTitle(browser, "Sign in a device");
            assertEquals(
                    device.get("user_code"),
                    browser.findElement(By.id("user_code")).getAttribute("value"));
            chromium.screenshot("device-code");
            browser.findElement(By.id("user_code")).sendKeys(Keys.ENTER);
            awaitTitle(browser, "Allow this device?");
            String confirm = browser.getPageSource();
            assertTrue(confirm.contains("access/test (linux)"), confirm);
            assertTrue(confirm.contains("<dd>127.0.0.1</dd>"), confirm);
            chromium.screenshot("device-confirm");
            browser.findElement(By.cssSelector("button[value=allow]")).click();
            awaitTitle(browser, "Signed in — return to your terminal");
            // The first poll of an approved code redeems it: only a poll sooner than the interval after an earlier
            // poll is told to slow down (DevicePoll), so there is no interval to wait for here.
            HttpResponse<String> deviceToken = stack.post(
                    "/oauth/token",
                    Map.of(
                            "grant_type",
                            "urn:ietf:params:oauth:grant-type:device_code",
                            "device_code",
                            (String) device.get("device_code"),
                            "client_id",
                            "portless-access"));
            assertEquals(200, deviceToken.statusCode(), deviceToken.body());

            browser.get(stack.issuer() + "/signout");
            awaitTitle(browser, "Sign out");
            chromium.screenshot("sign-out");
            browser.findElement(By.cssSelector("form[action='/signout'] button"))
                    .click();
            awaitTitle(browser, "Signed out");
            chromium.screenshot("signed-out");
            browser.get(stack.issuer() + "/");
            awaitTitle(browser, "Sign in");
        }
    }
}
