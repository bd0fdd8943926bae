package dev.portless.it.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.harness.SignInStack;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.TempDirs;
import dev.portless.it.peers.Websocketd;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code connector revoke} ends a WebSocket that a web app's origin took and the edge relays raw: the client (the
 * JDK's WebSocket client, browser-less) gets a Close frame with code 4010 and the sentence at once, not at its
 * next request, and the edge's stream line names the same end.
 */
@Timeout(120)
class WebSocketSignOutTest {
    // The edge's certificate names localhost, and the JDK's client sends the URI's host: the app's hostname.
    private static final String APP = "localhost";
    private static final String SENTENCE = "your session for " + APP + " ended: signed out by an administrator";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aSignOutSendsTheOriginsWebSocketAClose() throws Exception {
        Path dir = TempDirs.create("portless-ws-signout");
        Path www = Files.createDirectories(dir.resolve("chat/www"));
        int admin = FreePorts.next();
        Path secret = dir.resolve("admin-secret");
        try (Websocketd chat = Websocketd.start(www);
                PortlessStack stack = PortlessStack.builder()
                        .app(APP, chat.url())
                        .edgeFlags("--admin", "127.0.0.1:" + admin, "--admin-secret-file", secret.toString())
                        .build()
                        .start()) {
            Messages messages = new Messages();
            WebSocket.Builder builder = HttpClient.newBuilder()
                    .sslContext(SignInStack.sslContext(stack.caFile()))
                    .connectTimeout(WAIT)
                    .build()
                    .newWebSocketBuilder()
                    .connectTimeout(WAIT);
            stack.serviceTokenHeaders(false).forEach(builder::header);
            WebSocket ws = builder.buildAsync(URI.create("wss://" + APP + ":" + stack.edgePort() + "/echo"), messages)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            ws.sendText("hello\n", true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(
                    "echo: hello",
                    messages.text.get(WAIT.toSeconds(), TimeUnit.SECONDS).strip());

            JavaProcess revoke = JavaProcess.start(
                    "dev.portless.connector.ConnectorMain",
                    List.of(
                            "revoke",
                            "--service-token",
                            stack.clientId(),
                            "--admin",
                            "127.0.0.1:" + admin,
                            "--admin-secret-file",
                            secret.toString()),
                    Map.of());
            assertEquals(0, revoke.waitFor(WAIT), revoke.stderr());

            Close close = messages.close.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(new Close(4010, SENTENCE), close);
            stack.edge()
                    .awaitOutput(Pattern.compile("app=" + APP + " .*end=\"" + Pattern.quote(SENTENCE) + "\""), WAIT);
            assertTrue(
                    stack.edge().stderr().contains("1 live stream(s) at this edge ended"),
                    stack.edge().stderr());
        } finally {
            TempDirs.delete(dir);
        }
    }

    /** A WebSocket's close code and reason. */
    private record Close(int code, String reason) {}

    /** The first text message and the Close frame the client receives. */
    private static final class Messages implements WebSocket.Listener {
        final CompletableFuture<String> text = new CompletableFuture<>();
        final CompletableFuture<Close> close = new CompletableFuture<>();
        private final StringBuilder received = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            received.append(data);
            if (last) {
                text.complete(received.toString());
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            close.complete(new Close(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            close.completeExceptionally(error);
        }
    }
}
