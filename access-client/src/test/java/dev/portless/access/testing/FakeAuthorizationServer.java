package dev.portless.access.testing;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTPS authorization server on 127.0.0.1 that implements the edge's side of the
 * sign-in contract: RFC 8414 metadata, an authorization endpoint that "signs the user in" at once
 * and redirects with a code, the token endpoint (authorization code with PKCE S256, device code),
 * and the device authorization endpoint. It counts what it saw so tests can assert on it.
 */
public final class FakeAuthorizationServer implements AutoCloseable {
    /** What the authorization endpoint answers. */
    private volatile String spoofedApp;

    public enum Authorize {
        CODE,
        DENY,
        WRONG_STATE
    }

    private final HttpsServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final String issuer;
    private final Map<String, Map<String, String>> codes = new ConcurrentHashMap<>();
    private final Set<String> issued = ConcurrentHashMap.newKeySet();
    private final Deque<String> devicePolls = new ArrayDeque<>();
    private final List<String> tokenGrants = new CopyOnWriteArrayList<>();
    private final AtomicInteger authorizations = new AtomicInteger();
    private final AtomicInteger deviceStarts = new AtomicInteger();
    private volatile Authorize authorize = Authorize.CODE;
    private volatile Duration lifetime = Duration.ofHours(1);
    private volatile String email = "alice@example.com";
    private volatile int deviceInterval = 1;
    private volatile CountDownLatch authorizeGate = new CountDownLatch(0);
    private volatile String lastAuthorizeQuery = "";

    private FakeAuthorizationServer(HttpsServer server) {
        this.server = server;
        this.issuer = "https://127.0.0.1:" + server.getAddress().getPort();
        server.setExecutor(executor);
        server.createContext("/.well-known/oauth-authorization-server", this::metadata);
        server.createContext("/authorize", this::authorize);
        server.createContext("/token", this::token);
        server.createContext("/device", this::device);
        server.start();
    }

    /** Returns a started server with the certificate of {@code certificates}. */
    public static FakeAuthorizationServer start(TestCertificates certificates) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 64);
        s.setHttpsConfigurator(new HttpsConfigurator(certificates.serverContext()));
        return new FakeAuthorizationServer(s);
    }

    /** Returns the edge URL, {@code https://127.0.0.1:PORT}. */
    public String edge() {
        return issuer;
    }

    /** Returns how many times a browser reached the authorization endpoint. */
    public int authorizations() {
        return authorizations.get();
    }

    /** Returns how many device flows started. */
    public int deviceStarts() {
        return deviceStarts.get();
    }

    /** Returns the grant types of the token requests, in order. */
    public List<String> tokenGrants() {
        return tokenGrants;
    }

    /** Returns whether this server issued {@code token}. */
    public boolean issued(String token) {
        return issued.contains(token);
    }

    /** Returns the query of the last authorization request. */
    public String lastAuthorizeQuery() {
        return lastAuthorizeQuery;
    }

    public void authorizeAnswer(Authorize answer) {
        this.authorize = answer;
    }

    public void tokenLifetime(Duration lifetime) {
        this.lifetime = lifetime;
    }

    /** Makes the server answer every token request with a token for {@code app}, whatever was asked; null stops. */
    public void spoofApp(String app) {
        spoofedApp = app;
    }

    public void email(String email) {
        this.email = email;
    }

    public void deviceInterval(int seconds) {
        this.deviceInterval = seconds;
    }

    /** Makes the authorization endpoint wait for {@code gate} before it answers. */
    public void holdAuthorizations(CountDownLatch gate) {
        this.authorizeGate = gate;
    }

    /** Queues the device-code token endpoint's answers: error codes, or {@code ok} for a token. */
    public synchronized void devicePolls(String... answers) {
        devicePolls.clear();
        devicePolls.addAll(List.of(answers));
    }

    private void metadata(HttpExchange ex) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", issuer);
        m.put("authorization_endpoint", issuer + "/authorize");
        m.put("token_endpoint", issuer + "/token");
        m.put("device_authorization_endpoint", issuer + "/device");
        m.put("jwks_uri", issuer + "/.well-known/jwks.json");
        m.put("code_challenge_methods_supported", List.of("S256"));
        json(ex, 200, m);
    }

    private void authorize(HttpExchange ex) throws IOException {
        Map<String, String> q = form(ex.getRequestURI().getRawQuery());
        lastAuthorizeQuery = ex.getRequestURI().getRawQuery();
        authorizations.incrementAndGet();
        try {
            authorizeGate.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String redirect = q.get("redirect_uri");
        if (!"code".equals(q.get("response_type"))
                || !"portless-access".equals(q.get("client_id"))
                || !"S256".equals(q.get("code_challenge_method"))
                || q.get("code_challenge") == null
                || q.get("app") == null
                || redirect == null
                || !redirect.startsWith("http://127.0.0.1:")) {
            send(ex, 400, "text/plain", "bad authorization request");
            return;
        }
        String location;
        switch (authorize) {
            case DENY ->
                location = redirect + "?error=access_denied&error_description="
                        + enc(email + " is not allowed to reach " + q.get("app")) + "&state=" + enc(q.get("state"));
            case WRONG_STATE -> location = redirect + "?code=" + newCode(q) + "&state=forged";
            default -> location = redirect + "?code=" + newCode(q) + "&state=" + enc(q.get("state"));
        }
        ex.getResponseHeaders().set("Location", location);
        send(ex, 302, "text/plain", "");
    }

    private String newCode(Map<String, String> q) {
        String code = UUID.randomUUID().toString();
        codes.put(code, q);
        return code;
    }

    private void token(HttpExchange ex) throws IOException {
        if (!"POST".equals(ex.getRequestMethod())) {
            send(ex, 405, "text/plain", "");
            return;
        }
        Map<String, String> f = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String grant = f.getOrDefault("grant_type", "");
        tokenGrants.add(grant);
        if (!"portless-access".equals(f.get("client_id"))) {
            error(ex, 401, "invalid_client", "unknown client");
            return;
        }
        if (grant.equals("authorization_code")) {
            Map<String, String> q = codes.remove(f.getOrDefault("code", ""));
            if (q == null
                    || !q.get("redirect_uri").equals(f.get("redirect_uri"))
                    || !q.get("code_challenge").equals(s256(f.getOrDefault("code_verifier", "")))) {
                error(ex, 400, "invalid_grant", "the code, redirect_uri or code_verifier does not match");
                return;
            }
            issue(ex, q.get("app"));
            return;
        }
        if (grant.equals("urn:ietf:params:oauth:grant-type:device_code")) {
            if (!f.getOrDefault("device_code", "").startsWith("dc-")) {
                error(ex, 400, "invalid_grant", "unknown device code");
                return;
            }
            String answer;
            synchronized (this) {
                answer = devicePolls.isEmpty() ? "ok" : devicePolls.poll();
            }
            if (answer.equals("ok")) {
                issue(ex, f.get("device_code").substring(3));
            } else {
                error(
                        ex,
                        400,
                        answer,
                        answer.equals("access_denied") ? email + " is not allowed to reach this app" : null);
            }
            return;
        }
        error(ex, 400, "unsupported_grant_type", grant);
    }

    private void device(HttpExchange ex) throws IOException {
        Map<String, String> f = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (!"portless-access".equals(f.get("client_id")) || f.get("app") == null) {
            error(ex, 400, "invalid_request", "client_id and app are required");
            return;
        }
        deviceStarts.incrementAndGet();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device_code", "dc-" + f.get("app"));
        m.put("user_code", "WDJB-MJHT");
        m.put("verification_uri", issuer + "/device");
        m.put("verification_uri_complete", issuer + "/device?user_code=WDJB-MJHT");
        m.put("expires_in", 600);
        m.put("interval", deviceInterval);
        json(ex, 200, m);
    }

    private void issue(HttpExchange ex, String asked) throws IOException {
        String app = spoofedApp != null ? spoofedApp : asked;
        String token = TestTokens.mint(issuer, app, email, lifetime);
        issued.add(token);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("access_token", token);
        m.put("token_type", "Bearer");
        m.put("expires_in", lifetime.toSeconds());
        m.put("app", app);
        json(ex, 200, m);
    }

    private static void error(HttpExchange ex, int status, String code, String description) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", code);
        if (description != null) {
            m.put("error_description", description);
        }
        json(ex, status, m);
    }

    private static void json(HttpExchange ex, int status, Map<String, Object> body) throws IOException {
        send(ex, status, "application/json", JSONObjectUtils.toJSONString(body));
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            m.put(k, v);
        }
        return m;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }

    private static String s256(String verifier) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        authorizeGate = new CountDownLatch(0);
        server.stop(0);
        executor.shutdownNow();
    }
}
