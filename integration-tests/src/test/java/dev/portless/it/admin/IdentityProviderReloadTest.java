package dev.portless.it.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.files.OwnerOnlyFiles;
import dev.portless.it.harness.PortlessStack;
import dev.portless.it.harness.SignInStack;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.ProcessResult;
import dev.portless.it.peers.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * A running {@code connector edge} takes its identity providers from a reload: a PIN provider added by {@code
 * connector reload} signs a person in without a restart; an OIDC provider whose issuer does not answer refuses the
 * reload with its line and the running provider stays; a SIGHUP that removes the PIN provider refuses new sign-ins
 * with it and the code of one under way, while the person signed in before stays signed in.
 */
class IdentityProviderReloadTest {
    private static final String APP = "echo.portless.test";
    private static final String SESSION_COOKIE = "__Host-portless-session";
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern PIN = Pattern.compile("code is (\\d{6})");
    private static final String PIN_PROVIDER =
            "identity-providers:\n  - name: email\n    type: pin\n    outbox: outbox\n";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void providersComeAndGoWithAReload() throws Exception {
        String admin = "127.0.0.1:" + FreePorts.next();
        Path secrets = TempDirs.create("portless-provider-reload");
        Path secret = secrets.resolve("admin-secret");
        try (PortlessStack stack = PortlessStack.builder()
                .edgeFlags("--admin", admin, "--admin-secret-file", secret.toString())
                .appWithoutIngress(APP)
                .appSetting(APP, "policy", "{include: [{emails: [alice@example.com]}]}")
                .build()) {
            stack.startEdge();
            SSLContext tls = SignInStack.sslContext(stack.caFile());
            Path config = stack.edgeConfig();
            String without = Files.readString(config);
            assertTrue(
                    new Browser(stack, tls).get("/signin").body().contains("No identity provider is configured"),
                    "the edge starts with no provider");

            Files.writeString(config, without + PIN_PROVIDER);
            ProcessResult added = ReloadStreams.reloadCommand(admin, secret);
            assertEquals(0, added.exitCode(), added.toString());
            assertTrue(
                    added.stdout().contains("Changed in " + config + ": identity-providers added email\n"),
                    added.toString());
            assertFalse(added.stdout().contains("Reload kept"), added.toString());

            Browser alice = new Browser(stack, tls);
            assertEquals(303, alice.askForPin("alice@example.com").statusCode());
            HttpResponse<String> signedIn = alice.enterPin(pinFor(stack, "alice@example.com"));
            assertEquals(303, signedIn.statusCode(), signedIn.body());
            String launcher = alice.get("/").body();
            assertTrue(launcher.contains("alice@example.com") && launcher.contains(APP), launcher);

            Browser bob = new Browser(stack, tls);
            assertEquals(303, bob.askForPin("bob@example.com").statusCode());
            Browser carol = new Browser(stack, tls);
            assertTrue(carol.get("/signin?return=%2F").body().contains("Send me a code"));

            // An upstream provider nothing answers for: the reload is refused at its issuer's line.
            String issuer = "http://127.0.0.1:" + FreePorts.next();
            OwnerOnlyFiles.createFile(
                    stack.dir().resolve("idp-secret"), "not-used".getBytes(StandardCharsets.US_ASCII));
            String unreachable = without + PIN_PROVIDER + "  - name: down\n    type: oidc\n    issuer: " + issuer
                    + "\n    client-id: portless\n    client-secret-file: idp-secret\n";
            Files.writeString(config, unreachable);
            ProcessResult refused = ReloadStreams.reloadCommand(admin, secret);
            assertEquals(1, refused.exitCode(), refused.toString());
            int line = unreachable.lines().toList().indexOf("    issuer: " + issuer) + 1;
            assertTrue(
                    refused.stderr()
                            .contains("Reload refused, the running configuration stays: " + config + ":" + line
                                    + ": identity-providers[1].issuer: the discovery document at " + issuer
                                    + "/.well-known/openid-configuration could not be used: the identity provider"
                                    + " could not be reached"),
                    refused.toString());
            String page = new Browser(stack, tls).get("/signin").body();
            assertTrue(page.contains("Send me a code") && !page.contains("provider=down"), page);

            // SIGHUP takes the PIN provider away: new sign-ins with it and bob's code are refused, alice stays.
            Files.writeString(config, without);
            ReloadStreams.hangUp(stack.edge());
            stack.edge()
                    .awaitOutput(Pattern.compile("Changed in .*edge\\.yml: identity-providers removed email"), WAIT);
            HttpResponse<String> late = bob.enterPin(pinFor(stack, "bob@example.com"));
            assertEquals(400, late.statusCode(), late.body());
            assertTrue(late.body().contains("Sign-in with an e-mail code was removed from this edge"), late.body());
            assertFalse(bob.get("/").body().contains("bob@example.com"), "the code signed no one in");
            // Carol's page was loaded before the reload; what she sends from it is refused, a new page offers nothing.
            HttpResponse<String> stale = carol.sendEmail("carol@example.com");
            assertEquals(404, stale.statusCode(), stale.body());
            assertTrue(stale.body().contains("E-mail codes are not enabled on this edge"), stale.body());
            assertTrue(new Browser(stack, tls).get("/signin").body().contains("No identity provider is configured"));
            assertTrue(alice.get("/").body().contains("alice@example.com"), "who signed in before stays signed in");
        } finally {
            TempDirs.delete(secrets);
        }
    }

    /** Returns the newest PIN the edge mailed to {@code email} into the stack's outbox, once the mail is there. */
    private static String pinFor(PortlessStack stack, String email) throws IOException, InterruptedException {
        Path outbox = stack.dir().resolve("outbox");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(outbox)) {
                try (Stream<Path> files = Files.list(outbox)) {
                    for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                        String text = Files.readString(f);
                        Matcher m = PIN.matcher(text);
                        if (text.contains("To: " + email + "\r\n") && m.find()) {
                            return m.group(1);
                        }
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no PIN for " + email + " in " + outbox + " within " + WAIT.toSeconds() + " s");
    }

    /** A person at a browser on the edge's pages: it keeps the session cookie and reads each form's CSRF token. */
    private static final class Browser {
        private final PortlessStack stack;
        private final HttpClient http;
        private String session;
        private String csrf;

        Browser(PortlessStack stack, SSLContext tls) {
            this.stack = stack;
            this.http = HttpClient.newBuilder()
                    .sslContext(tls)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
        }

        HttpResponse<String> askForPin(String email) {
            get("/signin?return=%2F");
            return sendEmail(email);
        }

        /** Returns the answer to the e-mail form of the sign-in page this browser loaded last. */
        HttpResponse<String> sendEmail(String email) {
            return post("/signin/pin", Map.of("csrf", csrf, "email", email, "return", "/"));
        }

        HttpResponse<String> enterPin(String pin) {
            get("/signin/pin/code");
            return post("/signin/pin/code", Map.of("csrf", csrf, "pin", pin));
        }

        HttpResponse<String> get(String path) {
            return send(request(path).GET());
        }

        HttpResponse<String> post(String path, Map<String, String> form) {
            String body = form.entrySet().stream()
                    .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                    .collect(Collectors.joining("&"));
            return send(request(path)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        }

        private HttpRequest.Builder request(String path) {
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(URI.create(stack.edgeUrl() + path)).timeout(WAIT);
            return session == null ? b : b.header("Cookie", SESSION_COOKIE + "=" + session);
        }

        private HttpResponse<String> send(HttpRequest.Builder request) {
            HttpResponse<String> r;
            try {
                r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            for (String c : r.headers().allValues("Set-Cookie")) {
                if (c.startsWith(SESSION_COOKIE + "=")) {
                    session = c.substring(SESSION_COOKIE.length() + 1, c.indexOf(';'));
                }
            }
            Matcher m = CSRF.matcher(r.body());
            if (m.find()) {
                csrf = m.group(1);
            }
            return r;
        }

        private static String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8);
        }
    }
}
