package dev.portless.connector.edge;

import static dev.portless.connector.edge.HttpBrowser.location;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.reload.ReloadOutcome;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A reload of edge.yml changes the identity providers new sign-ins use: an added provider signs people in at once,
 * an unchanged one is kept with what it fetched, a removed one refuses new sign-ins and ends those under way with a
 * sentence while the people it signed in stay signed in, and a provider that cannot be made refuses the reload.
 */
class ProviderReloadTest {
    private static final String APPS = """
              - hostname: eng.test
                tunnel: tests
                policy:
                  include:
                    - groups: [engineers]
                    - email-domains: [corp.example]
            """;
    /** The end of the PIN provider's item in InProcessStack's edge.yml, after which other providers go. */
    private static final String PIN_ITEM = "  - name: email\n    type: pin\n    outbox: outbox\n";

    @Test
    void anAddedProviderSignsPeopleInAndAnUnchangedOneIsKept() throws Exception {
        try (FakeOidcProvider idp = new FakeOidcProvider();
                InProcessStack stack = InProcessStack.start(APPS, "")) {
            HttpBrowser before = new HttpBrowser(stack);
            assertFalse(before.get("/signin?return=%2F").body().contains("Fake SSO"));
            assertEquals(
                    404, before.get("/signin/oidc?provider=fake&return=%2F").statusCode());

            Path file = stack.dir().resolve("edge.yml");
            Files.writeString(file, Files.readString(file).replace(PIN_ITEM, PIN_ITEM + idp.yaml()));
            ReloadOutcome added = stack.edge().reload(file);
            assertTrue(added.applied(), added.lines().toString());
            assertTrue(
                    added.lines().get(0).contains("2 identity provider(s)"),
                    added.lines().toString());
            assertEquals(
                    "Changed in " + file + ": identity-providers added fake",
                    added.lines().get(1));
            assertEquals(2, added.lines().size(), "nothing kept until a restart: " + added.lines());
            assertEquals(1, idp.discoveries.get(), "the reload read the new provider's discovery document");

            HttpBrowser b = new HttpBrowser(stack);
            assertTrue(b.get("/signin?return=%2F").body().contains("Sign in with Fake SSO"));
            assertEquals("/", location(roundTrip(stack, b)).orElseThrow());
            assertTrue(b.get("/").body().contains("alice@corp.example"), "signed in without a restart");

            // An app changes, the providers do not: the provider and its discovery document are kept.
            Files.writeString(file, Files.readString(file).replace("[engineers]", "[engineers, ops]"));
            ReloadOutcome appOnly = stack.edge().reload(file);
            assertEquals(
                    "Changed in " + file + ": apps changed eng.test",
                    appOnly.lines().get(1));
            assertEquals("/", location(roundTrip(stack, new HttpBrowser(stack))).orElseThrow());
            assertEquals(1, idp.discoveries.get(), "the kept provider did not fetch its discovery document again");
        }
    }

    @Test
    void aRemovedProviderRefusesNewSignInsAndEndsThoseUnderWay() throws Exception {
        try (FakeOidcProvider idp = new FakeOidcProvider();
                InProcessStack stack = InProcessStack.start(APPS, "", idp.yaml())) {
            HttpBrowser signedIn = new HttpBrowser(stack);
            assertEquals("/", location(roundTrip(stack, signedIn)).orElseThrow());
            HttpBrowser upstream = new HttpBrowser(stack);
            String idpUrl = location(upstream.get("/signin/oidc?provider=fake&return=%2F"))
                    .orElseThrow();
            String answer = location(send(idpUrl)).orElseThrow();
            HttpBrowser pin = new HttpBrowser(stack);
            HttpResponse<String> page = pin.get("/signin?return=%2F");
            assertEquals(
                    303,
                    pin.post(
                                    "/signin/pin",
                                    Map.of("csrf", HttpBrowser.csrf(page), "email", "bob@corp.example", "return", "/"))
                            .statusCode());

            Path file = stack.dir().resolve("edge.yml");
            Files.writeString(file, Files.readString(file).replace(PIN_ITEM, "").replace(idp.yaml(), ""));
            ReloadOutcome removed = stack.edge().reload(file);
            assertTrue(removed.applied(), removed.lines().toString());
            assertEquals(
                    "Changed in " + file + ": identity-providers removed email, fake",
                    removed.lines().get(1));

            HttpResponse<String> late =
                    upstream.get(answer.substring(stack.issuer().length()));
            assertEquals(400, late.statusCode(), late.body());
            assertTrue(
                    late.body().contains("The identity provider fake was removed from this edge")
                            && late.body().contains("configuration while you were signing in; start again"),
                    late.body());
            HttpResponse<String> entry = pin.get("/signin/pin/code");
            HttpResponse<String> code = pin.post(
                    "/signin/pin/code", Map.of("csrf", HttpBrowser.csrf(entry), "pin", pin.pinFor("bob@corp.example")));
            assertEquals(400, code.statusCode(), code.body());
            assertTrue(code.body().contains("Sign-in with an e-mail code was removed from this edge"), code.body());
            assertFalse(pin.get("/").body().contains("bob@corp.example"), "the code signed no one in");

            assertTrue(signedIn.get("/").body().contains("alice@corp.example"), "who signed in before stays");
            assertEquals(
                    404,
                    new HttpBrowser(stack)
                            .get("/signin/oidc?provider=fake&return=%2F")
                            .statusCode());
            assertTrue(new HttpBrowser(stack).get("/signin").body().contains("No identity provider is configured"));
        }
    }

    @Test
    void aProviderThatCannotBeMadeRefusesTheReloadAndTheRunningOnesStay() throws Exception {
        try (InProcessStack stack = InProcessStack.start(APPS, "")) {
            Path file = stack.dir().resolve("edge.yml");
            String running = Files.readString(file);
            String unreachable = "http://127.0.0.1:" + closedPort();
            String withUnreachable = running.replace(PIN_ITEM, PIN_ITEM + """
                      - name: down
                        type: oidc
                        issuer: %s
                        client-id: portless
                        client-secret-file: oidc-secret
                    """.formatted(unreachable));
            Files.writeString(file, withUnreachable);
            ReloadOutcome refused = stack.edge().reload(file);
            assertFalse(refused.applied());
            assertTrue(
                    refused.lines()
                            .get(0)
                            .startsWith("Reload refused, the running configuration stays: " + file + ":"
                                    + lineOf(withUnreachable, "issuer: " + unreachable)
                                    + ": identity-providers[1].issuer: the discovery document at " + unreachable
                                    + "/.well-known/openid-configuration could not be used: the identity provider"
                                    + " could not be reached"),
                    refused.lines().toString());
            assertTrue(refused.lines()
                    .get(0)
                    .endsWith("; check the issuer and that this edge can reach it, then" + " reload again"));

            String blockedOutbox = running.replace("    outbox: outbox\n", "    outbox: edge.yml/outbox\n");
            Files.writeString(file, blockedOutbox);
            ReloadOutcome noOutbox = stack.edge().reload(file);
            assertTrue(
                    noOutbox.lines()
                            .get(0)
                            .startsWith("Reload refused, the running configuration stays: " + file + ":"
                                    + lineOf(blockedOutbox, "outbox: edge.yml/outbox")
                                    + ": identity-providers[0].outbox: cannot create the PIN outbox "),
                    noOutbox.lines().toString());

            HttpBrowser b = new HttpBrowser(stack);
            assertFalse(
                    b.get("/signin?return=%2F").body().contains("provider=down"),
                    "the refused provider is not offered");
            assertEquals("/", b.signInWithPin("carol@corp.example", "/"), "the running PIN provider still works");
            Files.writeString(file, running);
            ReloadOutcome same = stack.edge().reload(file);
            assertEquals(
                    List.of("Nothing that a reload applies changed in " + file),
                    same.lines().subList(1, 2),
                    "the refused files changed nothing");
        }
    }

    /** Returns the browser's answer from the edge after a round trip through the provider. */
    private static HttpResponse<String> roundTrip(InProcessStack stack, HttpBrowser b) {
        HttpResponse<String> start = b.get("/signin/oidc?provider=fake&return=%2F");
        assertEquals(302, start.statusCode(), start.body());
        String back = location(send(location(start).orElseThrow())).orElseThrow();
        HttpResponse<String> done = b.get(back.substring(stack.issuer().length()));
        assertEquals(303, done.statusCode(), done.body());
        return done;
    }

    private static HttpResponse<String> send(String url) {
        try {
            return HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Returns the 1-based line of {@code yaml} that contains {@code text}. */
    private static int lineOf(String yaml, String text) {
        List<String> lines = yaml.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError("no line with " + text);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
