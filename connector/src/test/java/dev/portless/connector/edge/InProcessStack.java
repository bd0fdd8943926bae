package dev.portless.connector.edge;

import dev.portless.common.net.Transport;
import dev.portless.connector.demo.DemoCertificates;
import dev.portless.connector.demo.EchoTarget;
import dev.portless.connector.edge.config.EdgeConfig;
import dev.portless.connector.run.ConnectorConfig;
import dev.portless.connector.run.ConnectorRunner;
import dev.portless.connector.secret.SecretHash;
import dev.portless.connector.tunnel.TunnelCredentials;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * An edge and a connector in this JVM on loopback, with a private CA, a service token
 * ({@code ci}), a PIN provider writing to an outbox, and an echo target behind every app: what the
 * edge's HTTP and token tests drive.
 */
public final class InProcessStack implements AutoCloseable {
    /** The service token's name in edge.yml. */
    public static final String TOKEN = "ci";
    /** The tunnel's name. */
    public static final String TUNNEL = "tests";
    /** The client secret in {@code oidc-secret}. */
    public static final String OIDC_SECRET = "test-client-secret";

    private final Path dir;
    private final int port;
    private final String clientId = SecretHash.randomSecret(16) + ".access";
    private final String clientSecret = SecretHash.randomSecret(32);
    private final EventLoopGroup echoGroup;
    private final EchoTarget echo;
    private EdgeServer edge;
    private final ConnectorRunner connector;
    private final SSLContext tls;

    private InProcessStack(String appsYaml, String extraEdgeYaml, String extraProvidersYaml) throws IOException {
        dir = Files.createTempDirectory("portless-inproc");
        port = freePort();
        int tunnelPort = freePort();
        DemoCertificates.write(dir, java.util.List.of("localhost"), java.util.List.of("127.0.0.1"));
        TunnelCredentials tunnel = TunnelCredentials.generate(TUNNEL);
        tunnel.writeTo(dir.resolve("tunnel.json"));
        Files.writeString(dir.resolve("oidc-secret"), OIDC_SECRET + "\n");
        Files.setPosixFilePermissions(
                dir.resolve("oidc-secret"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dir.resolve("edge.yml"), """
                listen: 127.0.0.1:%d
                tunnel-listen: 127.0.0.1:%d
                issuer: %s
                tls:
                  certificate: edge.pem
                  key: edge-key.pem
                identity-providers:
                  - name: email
                    type: pin
                    outbox: outbox
                %s
                tunnels:
                  - name: %s
                    id: %s
                    secret-sha256: %s
                service-tokens:
                  - name: %s
                    client-id: %s
                    secret-sha256: %s
                %s
                apps:
                %s""".formatted(
                        port,
                        tunnelPort,
                        issuer(),
                        extraProvidersYaml,
                        TUNNEL,
                        tunnel.tunnelId(),
                        tunnel.secretSha256(),
                        TOKEN,
                        clientId,
                        SecretHash.sha256Hex(clientSecret),
                        extraEdgeYaml,
                        appsYaml));
        tls = sslContext(dir.resolve("ca.pem"));
        Transport transport = Transport.best();
        echoGroup = transport.newGroup(1, "test-echo");
        echo = EchoTarget.start(echoGroup, transport);
        edge = EdgeServer.start(EdgeConfig.load(dir.resolve("edge.yml")));
        String hosts = Stream.of(appsYaml.split("\n"))
                .filter(l -> l.trim().startsWith("- hostname:"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .collect(Collectors.joining(","));
        StringBuilder ingress = new StringBuilder();
        for (String h : hosts.split(",")) {
            ingress.append("  - hostname: ")
                    .append(h)
                    .append("\n    service: tcp://127.0.0.1:")
                    .append(echo.port())
                    .append('\n');
        }
        Files.writeString(
                dir.resolve("connector.yml"), """
                edge: 127.0.0.1:%d
                credentials-file: tunnel.json
                edge-ca: ca.pem
                edge-issuer: %s
                ha-connections: 1
                ingress:
                %s  - service: http_status:404
                """.formatted(edge.tunnelAddress().getPort(), issuer(), ingress));
        ConnectorConfig cc = ConnectorConfig.load(dir.resolve("connector.yml"));
        connector = ConnectorRunner.start(cc, TunnelCredentials.read(dir.resolve("tunnel.json")));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (edge.registry().connections(TUNNEL) == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the connector did not register within 20 s");
            }
            sleep(20);
        }
    }

    /**
     * Returns a started stack whose edge.yml lists {@code appsYaml} under {@code apps:} (indented two
     * spaces) and has {@code extraEdgeYaml} at the top level.
     */
    public static InProcessStack start(String appsYaml, String extraEdgeYaml) {
        return start(appsYaml, extraEdgeYaml, "");
    }

    /**
     * Returns a started stack as {@link #start(String, String)} with more identity providers
     * ({@code extraProvidersYaml}, list items indented two spaces; the client secret file
     * {@code oidc-secret} holds {@link #OIDC_SECRET}).
     */
    public static InProcessStack start(String appsYaml, String extraEdgeYaml, String extraProvidersYaml) {
        try {
            return new InProcessStack(appsYaml, extraEdgeYaml, extraProvidersYaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stops the edge and starts it again from the same edge.yml and state directory, as a restart of its process
     * would; the connector registers again by itself.
     */
    public void restartEdge() {
        edge.close();
        edge = EdgeServer.start(EdgeConfig.load(dir.resolve("edge.yml")));
    }

    /** Returns the edge's issuer URL. */
    public String issuer() {
        return "https://127.0.0.1:" + port;
    }

    /** Returns the running edge. */
    public EdgeServer edge() {
        return edge;
    }

    /** Returns the scratch directory (edge.yml, state, outbox). */
    public Path dir() {
        return dir;
    }

    /** Returns the service token's client id. */
    public String clientId() {
        return clientId;
    }

    /** Returns the service token's secret. */
    public String clientSecret() {
        return clientSecret;
    }

    /** Returns TLS that trusts the stack's CA. */
    public SSLContext tls() {
        return tls;
    }

    /** Returns an HTTP client that trusts the CA and never follows redirects. */
    public HttpClient http() {
        return HttpClient.newBuilder()
                .sslContext(tls)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** Returns the answer to GET {@code path} on the edge. */
    public HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(issuer() + path)).timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.GET().build());
    }

    /** Returns the answer to a form POST of {@code form} to {@code path}. */
    public HttpResponse<String> post(String path, Map<String, String> form, String... headers) {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(issuer() + path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> send(HttpRequest r) {
        try {
            return http().send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Returns the edge's answer to a WebSocket upgrade for {@code host} with {@code headers}: the status
     * line's code and the body (empty after a 101, whose socket is then closed).
     */
    public Answer upgrade(String host, Map<String, String> headers) {
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Host", host);
            h.put("Upgrade", "websocket");
            h.put("Connection", "Upgrade");
            h.put("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
            h.put("Sec-WebSocket-Version", "13");
            h.putAll(headers);
            StringBuilder req = new StringBuilder("GET / HTTP/1.1\r\n");
            h.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            OutputStream out = s.getOutputStream();
            out.write(req.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            String head = readHead(in);
            int status = Integer.parseInt(head.substring(9, 12));
            if (status == 101) {
                return new Answer(status, "");
            }
            return new Answer(status, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A status and body.
     *
     * @param status the HTTP status
     * @param body   the body text
     */
    public record Answer(int status, String body) {}

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            String s = b.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n")) {
                return s;
            }
        }
        throw new IOException("the edge closed the connection before answering: " + b);
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        connector.close();
        edge.close();
        echo.close();
        echoGroup.shutdownGracefully();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SSLContext sslContext(Path ca) {
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
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
