package dev.portless.it.harness;

import dev.portless.it.harness.SignInStack.Echo;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.EchoServer;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.HaproxyRuntime;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.Peers;
import dev.portless.it.peers.Postgres;
import dev.portless.it.peers.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * Several edges, one service, each program a real process: PostgreSQL as the edges' shared store, two
 * {@code connector edge} processes, Debian's HAProxy in TCP mode in front of their client listeners (TLS passes
 * through; the issuer is HAProxy's address; its runtime API steers it to one edge when a test needs to), and two
 * {@code connector run} processes that each dial both edges and serve one echo app. The test plays the browser and
 * the {@code access} CLI over plain HTTP and WebSockets. Its files are {@link TwoEdgeFiles}.
 */
public final class TwoEdgeStack implements AutoCloseable {
    /** The app every connector serves. */
    public static final String APP = "echo.example.com";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern COOKIE = Pattern.compile("__Host-portless-session=([^;]*)");
    /** HAProxy's names of edge 0 and edge 1. */
    private static final List<String> SERVERS = List.of("a", "b");

    private final Path dir;
    private final Postgres postgres;
    private final EchoServer echo;
    private final int lbPort;
    private final int[] edgePorts = {FreePorts.next(), FreePorts.next()};
    private final int[] tunnelPorts = {FreePorts.next(), FreePorts.next()};
    private final int[] adminPorts = {FreePorts.next(), FreePorts.next()};
    private final JavaProcess[] edges = new JavaProcess[2];
    private final List<JavaProcess> connectors = new ArrayList<>();
    private Process haproxy;
    private final SSLContext tls;
    private final HttpClient http;

    private TwoEdgeStack(int lbPort, String providersYaml, Map<String, String> files) throws IOException {
        Peers.require("HAProxy (Debian package haproxy)", Peers.executable("/usr/sbin/haproxy"));
        this.lbPort = lbPort;
        dir = TempDirs.create("portless-ha");
        postgres = Postgres.start();
        echo = EchoServer.start();
        new TwoEdgeFiles(dir, lbPort, edgePorts, tunnelPorts)
                .write(postgres.jdbcUrl(), echo.port(), providersYaml, files);
        tls = SignInStack.sslContext(dir.resolve("ca.pem"));
        http = HttpClient.newBuilder()
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(15))
                .build();
    }

    /** Returns a started stack: both edges, HAProxy and both connectors, each connector registered at both edges. */
    public static TwoEdgeStack start() {
        return start(FreePorts.next(), "", Map.of());
    }

    /**
     * Returns a started stack as {@link #start()} does, with HAProxy on {@code lbPort} (so the issuer is known
     * before the stack starts) and the identity providers {@code providersYaml} (YAML list items)
     * after the e-mail PIN at both edges; {@code files} (name to content) are written owner-only beside edge.yml
     * first, for the secrets the providers name.
     */
    public static TwoEdgeStack start(int lbPort, String providersYaml, Map<String, String> files) {
        TwoEdgeStack stack;
        try {
            stack = new TwoEdgeStack(lbPort, providersYaml, files);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            stack.startAll();
            return stack;
        } catch (IOException e) {
            stack.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() throws IOException {
        for (int i = 0; i < 2; i++) {
            edges[i] = JavaProcess.startServer(
                    "dev.portless.connector.ConnectorMain",
                    List.of(
                            "edge",
                            "--config",
                            dir.resolve("edge-" + i + ".yml").toString(),
                            "--admin",
                            "127.0.0.1:" + adminPorts[i],
                            "--admin-secret-file",
                            adminSecretFile(i).toString()),
                    Map.of());
            edges[i].awaitOutput(Pattern.compile("Edge listening"), START_TIMEOUT);
        }
        haproxy = new ProcessBuilder(
                        "/usr/sbin/haproxy",
                        "-db",
                        "-f",
                        dir.resolve("haproxy.cfg").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile())
                .start();
        for (int i = 0; i < 2; i++) {
            JavaProcess c = JavaProcess.startServer(
                    "dev.portless.connector.ConnectorMain",
                    List.of("run", "--config", dir.resolve("connector.yml").toString()),
                    Map.of());
            connectors.add(c);
        }
        awaitRegistered(2);
    }

    /** Waits until {@code count} connectors hold a tunnel connection to each live edge. */
    private void awaitRegistered(int count) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Pattern registered = Pattern.compile("registered tunnel tests");
        for (JavaProcess c : connectors.subList(0, count)) {
            c.awaitOutput(registered, START_TIMEOUT);
            while (registrations(c) < 2 && System.nanoTime() < deadline) {
                sleep(100);
            }
        }
    }

    private static long registrations(JavaProcess c) {
        return Pattern.compile("registered tunnel tests")
                .matcher(c.stdout() + c.stderr())
                .results()
                .count();
    }

    /** Returns the issuer: HAProxy's address, the one public URL of both edges. */
    public String issuer() {
        return "https://127.0.0.1:" + lbPort;
    }

    /**
     * Sends HAProxy's new connections to edge {@code i} (0 or 1) alone and cuts those it holds to the other, so a
     * browser's next request reaches edge {@code i}; returns once HAProxy reports edge {@code i} up.
     */
    public void routeOnlyTo(int i) {
        haproxyRuntime().routeOnlyTo("edges", SERVERS.get(i), SERVERS);
    }

    /** Sends HAProxy's connections to no edge, as between an edge's crash and its health check's verdict. */
    public void routeNowhere() {
        haproxyRuntime().routeNowhere("edges", SERVERS);
    }

    /** Puts both edges back into HAProxy's round robin. */
    public void routeToBoth() {
        haproxyRuntime().routeToAll("edges", SERVERS);
    }

    private HaproxyRuntime haproxyRuntime() {
        return new HaproxyRuntime(dir.resolve(TwoEdgeFiles.HAPROXY_SOCKET));
    }

    /** Returns the base64 SHA-256 of the edges' certificate's public key, for Chromium's SPKI allow-list. */
    public String edgeSpki() {
        return SignInStack.spki(dir.resolve("edge.pem"));
    }

    /** Returns the port of HAProxy's listener. */
    public int lbPort() {
        return lbPort;
    }

    /** Returns the client port of edge {@code i} (0 or 1). */
    public int edgePort(int i) {
        return edgePorts[i];
    }

    /** Returns the admin listener's address of edge {@code i}, which takes admin commands. */
    public String adminAddress(int i) {
        return "127.0.0.1:" + adminPorts[i];
    }

    /** Returns the file holding edge {@code i}'s admin secret (the edge creates it at start). */
    public Path adminSecretFile(int i) {
        return dir.resolve("admin-secret-" + i);
    }

    /** Returns the CA that signed the edges' certificate. */
    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    /** Returns edge {@code i}'s process. */
    public JavaProcess edge(int i) {
        return edges[i];
    }

    /** Returns connector {@code i}'s process. */
    public JavaProcess connector(int i) {
        return connectors.get(i);
    }

    /** Returns the echo app every connector serves. */
    public EchoServer echo() {
        return echo;
    }

    /** Returns the shared database. */
    public Postgres postgres() {
        return postgres;
    }

    /** Kills {@code process} with SIGKILL, as a crash would, and waits for it to be gone. */
    public static void killHard(JavaProcess process) {
        Commands.run(List.of("kill", "-9", Long.toString(process.pid())), Duration.ofSeconds(10));
        process.waitFor(Duration.ofSeconds(10));
    }

    /**
     * Signs {@code email} in with the e-mail PIN at the edge on {@code port}, over plain HTTP as a browser would;
     * returns the signed-in session's cookie value.
     */
    public String signIn(int port, String email) {
        HttpResponse<String> page = get(port, "/signin", Optional.empty());
        String anonymous = cookie(page).orElseThrow(() -> new AssertionError("no session cookie: " + page.body()));
        String csrf = csrf(page.body());
        HttpResponse<String> sent =
                post(port, "/signin/pin", Optional.of(anonymous), Map.of("csrf", csrf, "email", email, "return", "/"));
        if (sent.statusCode() != 303) {
            throw new AssertionError("sending the PIN: " + sent.statusCode() + " " + sent.body());
        }
        HttpResponse<String> done =
                post(port, "/signin/pin/code", Optional.of(anonymous), Map.of("csrf", csrf, "pin", pinFor(email)));
        return cookie(done)
                .orElseThrow(() -> new AssertionError("no signed-in cookie: " + done.statusCode() + " " + done.body()));
    }

    /**
     * Returns the authorization code the edge on {@code port} gives the signed-in {@code session} for the app, as
     * the {@code access} CLI's loopback sign-in receives it.
     */
    public String authorizationCode(int port, String session, String challenge) {
        HttpResponse<String> r = get(
                port,
                "/oauth/authorize?response_type=code&client_id=portless-access&redirect_uri="
                        + enc(REDIRECT) + "&state=s1&code_challenge=" + challenge
                        + "&code_challenge_method=S256&app=" + APP,
                Optional.of(session));
        String location = r.headers().firstValue("Location").orElse("");
        Matcher m = Pattern.compile("[?&]code=([^&]+)").matcher(location);
        if (!m.find()) {
            throw new AssertionError("no code: " + r.statusCode() + " " + location + " " + r.body());
        }
        return m.group(1);
    }

    /** The redirect URI the CLI stand-in names; nothing listens there, the code is read from the redirect. */
    public static final String REDIRECT = "http://127.0.0.1:9/callback";

    /** Returns the token endpoint's answer at the edge on {@code port} to redeeming {@code code}. */
    public HttpResponse<String> redeem(int port, String code, String verifier) {
        return post(
                port,
                "/oauth/token",
                Optional.empty(),
                Map.of(
                        "grant_type", "authorization_code",
                        "code", code,
                        "code_verifier", verifier,
                        "redirect_uri", REDIRECT,
                        "client_id", "portless-access"));
    }

    /** Returns the answer of the edge on {@code port} to a GET of {@code path}, with the session cookie if any. */
    public HttpResponse<String> get(int port, String path, Optional<String> session) {
        return get(port, path, cookieHeader(session));
    }

    /** Returns the answer of the edge on {@code port} to a GET of {@code path} with the Cookie header {@code cookies}. */
    public HttpResponse<String> get(int port, String path, String cookies) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .GET();
        return send(withCookies(b, cookies).build());
    }

    private static String cookieHeader(Optional<String> session) {
        return session.map(s -> "__Host-portless-session=" + s).orElse("");
    }

    private static HttpRequest.Builder withCookies(HttpRequest.Builder b, String cookies) {
        return cookies.isEmpty() ? b : b.header("Cookie", cookies);
    }

    /** Returns the answer of the edge on {@code port} to a form POST, with the session cookie if any. */
    public HttpResponse<String> post(int port, String path, Optional<String> session, Map<String, String> form) {
        return post(port, path, cookieHeader(session), form);
    }

    /** Returns the answer of the edge on {@code port} to a form POST with the Cookie header {@code cookies}. */
    public HttpResponse<String> post(int port, String path, String cookies, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return send(withCookies(b, cookies).build());
    }

    /** Opens a stream to the echo app through the listener on {@code port} with {@code token}; see SignInStack. */
    public Echo echoThrough(int port, String token, String text) {
        return SignInStack.echoThrough(tls, port, APP, token, text);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Returns the session cookie {@code r} sets, if it sets one. */
    public static Optional<String> cookie(HttpResponse<String> r) {
        for (String h : r.headers().allValues("Set-Cookie")) {
            Matcher m = COOKIE.matcher(h);
            if (m.find() && !m.group(1).isEmpty()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    /** Returns the CSRF token of the form in {@code html}. */
    public static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        if (!m.find()) {
            throw new AssertionError("no csrf field in " + html);
        }
        return m.group(1);
    }

    /** Returns the PIN last mailed to {@code email}. */
    public String pinFor(String email) {
        return SignInStack.pinIn(dir.resolve("outbox"), email);
    }

    private static String enc(String s) {
        return SignInStack.enc(s);
    }

    private static void sleep(long millis) {
        SignInStack.sleep(millis);
    }

    @Override
    public void close() {
        connectors.forEach(JavaProcess::close);
        if (haproxy != null) {
            haproxy.destroy();
        }
        for (JavaProcess e : edges) {
            if (e != null) {
                e.close();
            }
        }
        echo.close();
        postgres.close();
        TempDirs.delete(dir);
    }
}
