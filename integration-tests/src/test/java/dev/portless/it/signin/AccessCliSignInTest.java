package dev.portless.it.signin;

import static dev.portless.it.peers.Chromium.awaitTitle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.SignInStack;
import dev.portless.it.peers.Chromium;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.JavaProcess;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;

/**
 * The real {@code access} CLI against the real edge, the person in a real Chromium: {@code access login}
 * with the loopback redirect, then {@code access tcp} carrying bytes on the cached app token, a sign-in
 * the app's policy refuses, then
 * {@code access login --device} approved on the {@code /device} page.
 */
class AccessCliSignInTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static SignInStack stack;
    private static Path config;

    @BeforeAll
    static void start() throws Exception {
        stack = SignInStack.builder()
                .app("ssh.portless.test", "include:\n  - email-domains: [example.com]\n")
                .app("db.portless.test", "include:\n  - emails: [alice@example.com]\n")
                .app("vault.portless.test", "include:\n  - emails: [carol@example.com]\n")
                .build()
                .start();
        config = Files.createTempDirectory("portless-access-config");
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void loginThenTcpThenDeviceLogin() throws Exception {
        try (Chromium chromium = Chromium.start(List.of(stack.edgeSpki()))) {
            WebDriver browser = chromium.driver();
            try (JavaProcess login = access(List.of("login", "ssh.portless.test"))) {
                String url = login.awaitOutput(Pattern.compile("^  (https://\\S+/oauth/authorize\\?\\S+)$"), WAIT)
                        .group(1);
                stack.signInWithPin(browser, url, "alice@example.com");
                login.awaitOutput(Pattern.compile("Signed in to ssh\\.portless\\.test"), WAIT);
                assertEquals(0, login.waitFor(WAIT), login.stderr());
            }

            int port = FreePorts.next();
            try (JavaProcess tcp =
                    access(List.of("tcp", "--hostname", "ssh.portless.test", "--url", "127.0.0.1:" + port))) {
                tcp.awaitOutput(Pattern.compile("access: listening on"), WAIT);
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(30_000);
                    OutputStream out = s.getOutputStream();
                    out.write("bytes on a signed-in token".getBytes(StandardCharsets.UTF_8));
                    s.shutdownOutput();
                    InputStream in = s.getInputStream();
                    assertEquals(
                            "bytes on a signed-in token",
                            new String(in.readAllBytes(), StandardCharsets.UTF_8),
                            tcp.stderr());
                }
            }

            // Refused by the policy: the CLI says so at once, naming her, and the browser shows the edge's page.
            try (JavaProcess refused = access(List.of("login", "vault.portless.test"))) {
                String url = refused.awaitOutput(Pattern.compile("^  (https://\\S+/oauth/authorize\\?\\S+)$"), WAIT)
                        .group(1);
                browser.get(url);
                awaitTitle(browser, "Not allowed");
                assertEquals(1, refused.waitFor(WAIT), refused.stderr());
                assertTrue(
                        refused.stderr()
                                .contains("Access to vault.portless.test was denied at sign-in "
                                        + "(alice@example.com is not allowed to reach vault.portless.test); ask the app's "
                                        + "administrator for access, or sign in as someone else."),
                        refused.stderr());
            }

            try (JavaProcess device = access(List.of("login", "--device", "db.portless.test"))) {
                String url = device.awaitOutput(
                                Pattern.compile("\\(or open (https://\\S+/device\\?user_code=\\S+)\\)"), WAIT)
                        .group(1);
                browser.get(url);
                awaitTitle(browser, "Sign in a device");
                browser.findElement(By.id("user_code")).sendKeys(Keys.ENTER);
                awaitTitle(browser, "Allow this device?");
                browser.findElement(By.cssSelector("button[value=allow]")).click();
                awaitTitle(browser, "Signed in — return to your terminal");
                device.awaitOutput(Pattern.compile("Signed in to db\\.portless\\.test"), WAIT);
                assertEquals(0, device.waitFor(WAIT), device.stderr());
            }
        }
    }

    private static JavaProcess access(List<String> args) {
        return JavaProcess.start("dev.portless.access.AccessMain", args, stack.accessEnv(config));
    }
}
