package dev.portless.it.signin;

import com.sun.net.httpserver.HttpServer;
import dev.portless.it.harness.SignInStack;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Plays the {@code access} CLI's side of a browser sign-in: a loopback listener at {@code /callback}
 * that takes the code and sends the browser on to the edge's "return to your terminal" page (or,
 * after a policy refusal, to its "not allowed" page), the
 * PKCE verifier, and the code exchange.
 */
final class CliStandIn implements AutoCloseable {
    private final HttpServer server;
    private final String issuer;
    private final Function<Map<String, String>, HttpResponse<String>> tokenEndpoint;
    private final BlockingQueue<Map<String, List<String>>> callbacks = new LinkedBlockingQueue<>();
    final String verifier;
    final String challenge;
    /** The app of the last authorize URL: the CLI knows which app it asked for. */
    private volatile String pendingApp = "";

    CliStandIn(SignInStack stack) {
        this(stack.issuer(), form -> stack.post("/oauth/token", form));
    }

    /**
     * Returns the stand-in of a CLI that signs in at {@code issuer} and posts its code exchange, a form, with
     * {@code tokenEndpoint} (to the edge of a test's choosing).
     */
    CliStandIn(String issuer, Function<Map<String, String>, HttpResponse<String>> tokenEndpoint) {
        this.issuer = issuer;
        this.tokenEndpoint = tokenEndpoint;
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        try {
            challenge = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(
                            MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/callback", x -> {
            Map<String, List<String>> q = new QueryStringDecoder(x.getRequestURI()).parameters();
            callbacks.add(q);
            String app = q.containsKey("app") ? q.get("app").get(0) : "";
            // Like the CLI: a policy refusal goes on to the edge's page for it, a code to "signed in".
            String next = q.containsKey("error")
                    ? "/not-allowed?app=" + pendingApp
                    : "/signed-in" + (app.isEmpty() ? "" : "?app=" + app);
            x.getResponseHeaders().add("Location", issuer + next);
            x.sendResponseHeaders(302, -1);
            x.close();
        });
        server.start();
    }

    String redirectUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/callback";
    }

    /** Returns the authorize URL the CLI would open for {@code app}. */
    String authorizeUrl(String app, String state) {
        pendingApp = app;
        return issuer + "/oauth/authorize?response_type=code&client_id=portless-access&redirect_uri="
                + URLEncoder.encode(redirectUri(), StandardCharsets.UTF_8) + "&state=" + state + "&code_challenge="
                + challenge + "&code_challenge_method=S256&app=" + app;
    }

    /** Returns the next callback's parameters, waiting up to {@code seconds}. */
    Optional<Map<String, List<String>>> nextCallback(int seconds) {
        try {
            return Optional.ofNullable(callbacks.poll(seconds, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Returns the token endpoint's answer to redeeming {@code code}. */
    HttpResponse<String> redeem(String code) {
        return tokenEndpoint.apply(Map.of(
                "grant_type",
                "authorization_code",
                "code",
                code,
                "code_verifier",
                verifier,
                "redirect_uri",
                redirectUri(),
                "client_id",
                "portless-access"));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
