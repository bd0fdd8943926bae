package dev.portless.it.harness;

import dev.portless.it.peers.Chromium;
import dev.portless.it.peers.EchoServer;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.TempDirs;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;

/**
 * A Portless deployment for sign-in tests, each program a real process: {@code connector edge}
 * with an issuer, an e-mail PIN provider writing to an outbox (plus any upstream providers a test adds)
 * and apps with policies, and {@code connector run} serving every app from one echo server. The test
 * plays the {@code access} CLI over plain HTTP and one WebSocket.
 */
public final class SignInStack implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern PIN = Pattern.compile("code is (\\d{6})");

    private final Path dir;
    private final int edgePort;
    private final EchoServer echo;
    private JavaProcess edge;
    private JavaProcess connector;
    private final SSLContext tls;

    private SignInStack(Builder b) throws IOException {
        dir = Files.createTempDirectory("portless-signin");
        edgePort = b.edgePort;
        // The echo server's port goes into connector.yml, so it runs before the files are written.
        echo = EchoServer.start();
        try {
            SignInStackFiles.write(dir, issuer(), edgePort, echo.port(), b);
            tls = sslContext(dir.resolve("ca.pem"));
        } catch (IOException | RuntimeException e) {
            echo.close();
            TempDirs.delete(dir);
            throw e;
        }
    }

    /** Returns a builder; the edge's port is chosen now, so an identity provider can be told its callback. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the edge and the connector and waits until the connector has registered; when either does not come
     * up, stops what started (the echo server too) and deletes the stack's files before throwing.
     */
    public SignInStack start() {
        Teardown.startOrStop(this, () -> {
            edge = startProgram("edge", "edge.yml", "Edge listening");
            connector = startProgram("run", "connector.yml", "registered tunnel tests");
        });
        return this;
    }

    /** Returns {@code connector <role> --config <file>} once it printed {@code readyLine}; stopped when it did not. */
    private JavaProcess startProgram(String role, String file, String readyLine) {
        return Teardown.awaitLine(
                JavaProcess.startServer(
                        "dev.portless.connector.ConnectorMain",
                        java.util.List.of(role, "--config", dir.resolve(file).toString()),
                        Map.of()),
                Pattern.compile(readyLine),
                START_TIMEOUT);
    }

    /**
     * Returns the records of the edge's audit log written so far, each a JSON object; the edge
     * writes them from a thread of its own, so a record may trail its event by a few milliseconds.
     */
    public java.util.List<Map<String, Object>> auditRecords() {
        try {
            java.util.List<Map<String, Object>> records = new java.util.ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("audit.jsonl"))) {
                records.add(dev.portless.common.json.Json.readObject(line));
            }
            return records;
        } catch (IOException | java.text.ParseException e) {
            throw new IllegalStateException("cannot read the edge's audit log: " + e.getMessage(), e);
        }
    }

    /** Returns the edge's issuer URL. */
    public String issuer() {
        return "https://127.0.0.1:" + edgePort;
    }

    /** Returns the base64 SHA-256 of the edge certificate's public key, for Chromium's SPKI allow-list. */
    public String edgeSpki() {
        return spki(dir.resolve("edge.pem"));
    }

    /** Returns the base64 SHA-256 of the public key of the certificate in {@code pem}. */
    public static String spki(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            Certificate leaf = CertificateFactory.getInstance("X.509").generateCertificate(in);
            return java.util.Base64.getEncoder()
                    .encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(leaf.getPublicKey().getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns the CA that signed the edge's certificate. */
    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    /** Returns the edge process, for its log. */
    public JavaProcess edge() {
        return edge;
    }

    /** Returns the newest PIN mailed to {@code email}, waiting up to 10 s for the message. */
    public String pinFor(String email) {
        return pinIn(dir.resolve("outbox"), email);
    }

    /** Returns the newest PIN mailed to {@code email} in {@code outbox}, waiting up to 10 s for the message. */
    static String pinIn(Path outbox, String email) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(outbox)) {
                try (Stream<Path> files = Files.list(outbox)) {
                    for (Path f : files.sorted(
                                    Comparator.comparing(Path::getFileName).reversed())
                            .toList()) {
                        String text = Files.readString(f);
                        Matcher m = PIN.matcher(text);
                        if (text.contains("To: " + email + "\r\n") && m.find()) {
                            return m.group(1);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            sleep(100);
        }
        throw new AssertionError("no PIN for " + email + " in the outbox within 10 s");
    }

    /**
     * Signs {@code email} in with the e-mail PIN in {@code browser}, starting at the sign-in URL the CLI
     * printed, the way a person does it (keyboard only); returns once the PIN is submitted.
     */
    public void signInWithPin(WebDriver browser, String url, String email) {
        browser.get(url);
        Chromium.awaitTitle(browser, "Sign in");
        browser.findElement(By.id("email")).sendKeys(email, Keys.ENTER);
        Chromium.awaitTitle(browser, "Enter your code");
        browser.findElement(By.id("pin")).sendKeys(pinFor(email), Keys.ENTER);
    }

    /**
     * Returns the environment of an {@code access} run against this edge with its token cache in
     * {@code configDir}: the edge and its CA, a display (so sign-in takes the browser flow, not the
     * device flow) and a {@code $BROWSER} that opens nothing, for the test is the person at the browser.
     */
    public Map<String, String> accessEnv(Path configDir) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PORTLESS_EDGE", issuer());
        env.put("PORTLESS_EDGE_CA", caFile().toString());
        env.put("PORTLESS_CONFIG_DIR", configDir.toString());
        env.put("DISPLAY", ":99");
        env.put("BROWSER", "/bin/true");
        env.put("SSH_CONNECTION", "");
        return env;
    }

    /** Returns the edge's answer to a GET of {@code path}. */
    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(issuer() + path)).GET());
    }

    /** Returns the edge's answer to a form POST at {@code path}, as the CLI sends it. */
    public HttpResponse<String> post(String path, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(issuer() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("User-Agent", "access/test (linux)")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HttpClient.newBuilder()
                    .sslContext(tls)
                    .build()
                    .send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Opens a WebSocket to {@code app} with {@code token} as a Bearer token, sends {@code text} in one
     * binary message and returns the status of the upgrade and the echoed text ("" when refused).
     */
    public Echo echoThrough(String app, String token, String text) {
        return echoThrough(tls, edgePort, app, token, text);
    }

    /** Returns {@link #echoThrough(String, String, String)} against the edge at 127.0.0.1:{@code port}. */
    static Echo echoThrough(SSLContext tls, int port, String app, String token, String text) {
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + app + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                            + "Authorization: Bearer " + token + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            String head = readHead(in);
            int status = Integer.parseInt(head.substring(9, 12));
            if (status != 101) {
                return new Echo(status, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            byte[] mask = new byte[4];
            new SecureRandom().nextBytes(mask);
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x82);
            frame.write(0x80 | payload.length);
            frame.write(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i % 4]);
            }
            out.write(frame.toByteArray());
            out.flush();
            int opcode = in.readUnsignedByte() & 0x0f;
            int length = in.readUnsignedByte() & 0x7f;
            byte[] echoed = new byte[length];
            in.readFully(echoed);
            return new Echo(opcode == 2 ? 101 : -opcode, new String(echoed, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The upgrade status and what came back.
     *
     * @param status 101 when the stream opened
     * @param text   the echoed text, or the error body
     */
    public record Echo(int status, String text) {}

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            if (b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
        }
        throw new IOException("the edge closed the connection before answering");
    }

    /** Stops the programs and the echo server and deletes the stack's files; closing it again does nothing more. */
    @Override
    public void close() {
        Teardown teardown = new Teardown();
        teardown.close(connector);
        connector = null;
        teardown.close(edge);
        edge = null;
        teardown.close(echo);
        teardown.close(() -> TempDirs.delete(dir));
        teardown.finish();
    }

    public static SSLContext sslContext(Path ca) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            try (InputStream in = Files.newInputStream(ca)) {
                int i = 0;
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca" + i++, c);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("cannot trust " + ca, e);
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A stack being described. */
    public static final class Builder {
        private final int edgePort = FreePorts.next();
        final Map<String, String> apps = new LinkedHashMap<>();
        final Map<String, String> appExtras = new LinkedHashMap<>();
        final Map<String, String> services = new LinkedHashMap<>();
        final Map<String, String> secrets = new LinkedHashMap<>();
        final StringBuilder providers = new StringBuilder();

        /** Returns the edge's issuer URL, known before the stack starts. */
        public String issuer() {
            return "https://127.0.0.1:" + edgePort;
        }

        /** Adds an app whose {@code policy:} block is {@code policyYaml} (include/require/exclude). */
        public Builder app(String hostname, String policyYaml) {
            apps.put(hostname, policyYaml);
            return this;
        }

        /**
         * Adds an app as {@link #app(String, String)} does, with more keys of its item ({@code extraYaml},
         * e.g. an {@code ssh:} section) and the connector sending its streams to {@code service}
         * (e.g. {@code tcp://127.0.0.1:2222}) instead of the echo server.
         */
        public Builder app(String hostname, String policyYaml, String extraYaml, String service) {
            apps.put(hostname, policyYaml);
            appExtras.put(hostname, extraYaml);
            services.put(hostname, service);
            return this;
        }

        /** Adds an identity provider: YAML of one list item, indented two spaces. */
        public Builder provider(String yaml) {
            providers.append(yaml.endsWith("\n") ? yaml : yaml + "\n");
            return this;
        }

        /** Adds an owner-only file {@code name} in the stack's directory holding {@code secret}. */
        public Builder secretFile(String name, String secret) {
            secrets.put(name, secret);
            return this;
        }

        /** Returns the stack with its files written, not started. */
        public SignInStack build() {
            try {
                return new SignInStack(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
