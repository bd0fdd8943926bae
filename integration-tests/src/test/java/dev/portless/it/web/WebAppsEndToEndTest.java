package dev.portless.it.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.demo.DemoCertificates;
import dev.portless.connector.peers.GarbageOrigin;
import dev.portless.connector.peers.Nginx;
import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.ProcessResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Web apps through the real edge and connector processes, with nginx as the origin (over http, over
 * https with a private CA, on a unix socket), an origin that answers garbage, an origin that verifies the
 * edge's token with its JWKS, and curl as the client.
 */
class WebAppsEndToEndTest {
    private static final Duration CURL_TIMEOUT = Duration.ofSeconds(60);
    private static final String WEB = "web.portless.test";
    private static final String ECHO = "jwt=$http_cf_access_jwt_assertion|auth=$http_authorization"
            + "|id=$http_cf_access_client_id|xfh=$http_x_forwarded_host|via=$http_via";

    private static Path dir;
    private static Nginx nginx;
    private static GarbageOrigin garbage;
    private static JwtCheckingOrigin jwtOrigin;
    private static PortlessStack stack;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("web-e2e");
        int http = Nginx.freePort();
        int https = Nginx.freePort();
        DemoCertificates.write(dir, List.of("internal.local"), List.of());
        nginx = Nginx.start(
                dir,
                """
                server {
                  listen 127.0.0.1:HTTP;
                  listen unix:DIR/nginx.sock;
                  listen 127.0.0.1:HTTPS ssl;
                  ssl_certificate DIR/edge.pem;
                  ssl_certificate_key DIR/edge-key.pem;
                  root DIR/www;
                  location = /echo { default_type text/plain; return 200 "ECHO\\n"; }
                  location = /hello { default_type text/plain; return 200 "hello from nginx\\n"; }
                }
                """.replace("HTTPS", Integer.toString(https))
                        .replace("HTTP", Integer.toString(http))
                        .replace("ECHO", ECHO),
                http);
        garbage = GarbageOrigin.start();
        jwtOrigin = JwtCheckingOrigin.start("jwt.portless.test");
        String d = dir.toAbsolutePath().toString();
        stack = PortlessStack.builder()
                .app(WEB, "http://127.0.0.1:" + http)
                .app("sock.portless.test", "unix:" + d + "/nginx.sock")
                .app("garbage.portless.test", "http://127.0.0.1:" + garbage.port())
                .app("jwt.portless.test", "http://127.0.0.1:" + jwtOrigin.port())
                .app("tls-unnamed.portless.test", "https://127.0.0.1:" + https)
                .appWithoutIngress("tls-ca.portless.test")
                .appWithoutIngress("tls-insecure.portless.test")
                .ingressYaml("  - hostname: tls-ca.portless.test\n    service: https://127.0.0.1:" + https
                        + "\n    origin-request:\n      ca-pool: " + d + "/ca.pem\n"
                        + "      origin-server-name: internal.local")
                .ingressYaml("  - hostname: tls-insecure.portless.test\n    service: https://127.0.0.1:" + https
                        + "\n    origin-request:\n      no-tls-verify: true")
                .build();
        jwtOrigin.trustEdge(stack.edgeUrl(), stack.caFile());
        stack.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (jwtOrigin != null) {
            jwtOrigin.close();
        }
        if (garbage != null) {
            garbage.close();
        }
        if (nginx != null) {
            nginx.close();
        }
    }

    /** Returns curl's result for {@code hostname}{@code path} with {@code args}; stdout ends with the status. */
    static ProcessResult curl(String hostname, String path, List<String> args) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--http1.1", "-w", "\n%{http_code}"));
        command.addAll(stack.curlReaching(hostname));
        command.addAll(args);
        command.add(stack.appUrl(hostname, path));
        return Commands.run(command, CURL_TIMEOUT);
    }

    static List<String> withServiceToken(String... more) {
        List<String> args = new ArrayList<>(List.of("-H", "@" + stack.serviceTokenHeaderFile()));
        args.addAll(List.of(more));
        return args;
    }

    static String status(ProcessResult r) {
        String out = r.stdout();
        return out.substring(out.lastIndexOf('\n') + 1);
    }

    @Test
    void nginxOverHttpAnswersWithTheServiceTokenAndSeesTheEdgesToken() {
        ProcessResult r = curl(WEB, "/echo", withServiceToken());
        assertEquals("200", status(r), r.toString());
        assertTrue(r.stdout().contains("|xfh=" + WEB + "|via=1.1 portless"), r.stdout());
        assertTrue(r.stdout().contains("|id=|"), "the service token's id reached the origin: " + r.stdout());
        assertFalse(r.stdout().startsWith("jwt=|"), "no Cf-Access-Jwt-Assertion at the origin: " + r.stdout());
    }

    @Test
    void withoutCredentialsAnApiClientGets401Json() {
        ProcessResult r = curl(WEB, "/hello", List.of("-H", "Accept: application/json"));
        assertEquals("401", status(r), r.toString());
        assertTrue(r.stdout().contains("\"login_url\""), r.stdout());
    }

    @Test
    void theOriginVerifiesTheEdgesTokenWithItsJwks() {
        ProcessResult r = curl("jwt.portless.test", "/whoami", withServiceToken());
        assertEquals("200", status(r), r.toString());
        assertTrue(r.stdout().startsWith("sub="), r.stdout());
    }

    @Test
    void nginxOverHttpsWithAPrivateCaAndOverAUnixSocket() {
        for (String app : List.of("tls-ca.portless.test", "tls-insecure.portless.test", "sock.portless.test")) {
            ProcessResult r = curl(app, "/hello", withServiceToken());
            assertEquals("hello from nginx\n\n200", r.stdout(), app + ": " + r);
        }
    }

    @Test
    void anHttpsOriginWithAnotherNameIsATlsErrorThatSaysWhatToSet() {
        ProcessResult r =
                curl("tls-unnamed.portless.test", "/hello", withServiceToken("-H", "Accept: application/json"));
        assertEquals("502", status(r), r.toString());
        assertTrue(r.stdout().contains("origin_tls"), r.stdout());
        assertTrue(r.stdout().contains("internal.local"), r.stdout());
    }

    @Test
    void anOriginThatAnswersGarbageIsA502NamingIt() {
        ProcessResult r = curl("garbage.portless.test", "/", withServiceToken());
        assertEquals("502", status(r), r.toString());
        assertTrue(r.stdout().contains("garbage.portless.test") || r.stdout().contains("127.0.0.1:"), r.stdout());
        ProcessResult json = curl("garbage.portless.test", "/", withServiceToken("-H", "Accept: application/json"));
        assertTrue(json.stdout().contains("origin_bad_response"), json.stdout());
    }

    @Test
    void accessCurlSendsTheServiceTokenAndExitsWithCurlsCode() {
        List<String> command = new ArrayList<>(List.of(stack.accessLauncher().toString(), "curl"));
        command.add(stack.appUrl(WEB, "/echo"));
        command.addAll(List.of("-sS", "--resolve", WEB + ":" + stack.edgePort() + ":127.0.0.1"));
        ProcessResult ok = Commands.run(command, CURL_TIMEOUT, stack.accessEnv());
        assertEquals(0, ok.exitCode(), ok.toString());
        assertTrue(ok.stdout().contains("|via=1.1 portless"), ok.stdout());

        List<String> missing = new ArrayList<>(List.of(stack.accessLauncher().toString(), "curl"));
        missing.add(stack.appUrl(WEB, "/no-such-page"));
        missing.addAll(List.of("-sS", "--fail", "--resolve", WEB + ":" + stack.edgePort() + ":127.0.0.1"));
        ProcessResult notFound = Commands.run(missing, CURL_TIMEOUT, stack.accessEnv());
        assertEquals(22, notFound.exitCode(), "curl --fail's exit code for a 404: " + notFound);
    }

    @Test
    void twoHundredConcurrentRequestsAllAnswer200() {
        List<String> command = new ArrayList<>(List.of(
                "curl",
                "-sS",
                "--http1.1",
                "-Z",
                "--parallel-max",
                "200",
                "--parallel-immediate",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}\n",
                "-H",
                "@" + stack.serviceTokenHeaderFile()));
        command.addAll(stack.curlReaching(WEB));
        for (int i = 0; i < 200; i++) {
            command.addAll(List.of("-o", "/dev/null", stack.appUrl(WEB, "/hello?n=" + i)));
        }
        ProcessResult r = Commands.run(command, CURL_TIMEOUT);
        List<String> codes = r.stdout().lines().toList();
        assertEquals(200, codes.size(), r.toString());
        assertTrue(codes.stream().allMatch("200"::equals), r.stdout() + r.stderr());
    }

    @Test
    void smuggledRequestsAre400AndNeverReachNginx() throws Exception {
        String auth = Files.readString(stack.serviceTokenHeaderFile()).replace("\n", "\r\n");
        Map<String, String> smuggling = Map.of(
                "/smuggle-cl-te", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                "/smuggle-two-cl", "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
                "/smuggle-obs-fold", "X-Folded: a\r\n b\r\nContent-Length: 0\r\n\r\n",
                "/smuggle-te-unknown", "Transfer-Encoding: gzip, chunked, identity\r\n\r\n0\r\n\r\n");
        for (Map.Entry<String, String> e : smuggling.entrySet()) {
            String request = "POST " + e.getKey() + " HTTP/1.1\r\nHost: " + WEB + "\r\n" + auth + e.getValue();
            assertEquals("400", rawStatus(request), e.getKey());
        }
        Thread.sleep(500);
        List<String> reached =
                nginx.accessLog().stream().filter(l -> l.contains("/smuggle")).toList();
        assertEquals(List.of(), reached, "smuggled requests reached nginx");
    }

    @Test
    void aBadChunkSizeIs400() throws Exception {
        // The head is valid and the body streams, so nginx may see the request start; the client gets 400.
        String auth = Files.readString(stack.serviceTokenHeaderFile()).replace("\n", "\r\n");
        String request = "POST /bad-chunk HTTP/1.1\r\nHost: " + WEB + "\r\n" + auth
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n";
        assertEquals("400", rawStatus(request));
    }

    @Test
    void aHeaderBlockOverTheLimitIs431() throws Exception {
        String request = "GET /hello HTTP/1.1\r\nHost: " + WEB + "\r\nX-Big: " + "a".repeat(40 * 1024) + "\r\n\r\n";
        assertEquals("431", rawStatus(request));
    }

    /** Returns the status code the edge answers to {@code request}, sent as is over TLS. */
    private static String rawStatus(String request) throws Exception {
        try (SSLSocket s = (SSLSocket) JwtCheckingOrigin.trusting(stack.caFile())
                .getSocketFactory()
                .createSocket("127.0.0.1", stack.edgePort())) {
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(WEB)));
            p.setApplicationProtocols(new String[] {"http/1.1"});
            s.setSSLParameters(p);
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                // The edge may answer and close before reading all of an oversized head; its answer is still there.
            }
            InputStream in = s.getInputStream();
            byte[] head = new byte[12];
            int n = in.readNBytes(head, 0, head.length);
            String line = new String(head, 0, n, StandardCharsets.ISO_8859_1);
            return line.length() >= 12 ? line.substring(9, 12) : line;
        }
    }
}
