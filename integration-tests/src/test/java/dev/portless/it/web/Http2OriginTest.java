package dev.portless.it.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.demo.DemoCertificates;
import dev.portless.connector.peers.Nginx;
import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code http2-origin: true} against a real nginx: the origin sees HTTP/2, a streamed POST body and a
 * large download arrive unchanged with the programs' memory bounded, a hundred concurrent requests share
 * a few connections, a reset stream is a 502 naming it, and an origin without h2 is reached over HTTP/1.1.
 */
class Http2OriginTest {
    private static final Duration CURL_TIMEOUT = Duration.ofMinutes(2);
    private static final String H2 = "h2.portless.test";
    private static final String H1 = "h1only.portless.test";
    private static final String GOAWAY = "goaway.portless.test";
    private static final long DOWNLOAD_SIZE = 64L << 20;
    private static final long RSS_BOUND_MIB = 400;
    private static final int CONCURRENT = 100;

    private static Path dir;
    private static Nginx nginx;
    private static PortlessStack stack;
    private static String downloadSha256;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("web-h2");
        int plain = Nginx.freePort();
        int h2 = Nginx.freePort();
        int h1 = Nginx.freePort();
        int goAway = Nginx.freePort();
        DemoCertificates.write(dir, List.of("internal.local"), List.of());
        String tls = """
                  ssl_certificate DIR/edge.pem;
                  ssl_certificate_key DIR/edge-key.pem;
                  root DIR/www;
                  location = /proto { add_header X-Origin-Protocol $server_protocol always; return 200 "$server_protocol\\n"; }
                  location = /reset { return 444; }
                """;
        nginx = Nginx.start(
                dir,
                """
                log_format h2 '$connection $server_protocol $request_method $request_uri $status';
                server {
                  listen 127.0.0.1:PLAIN;
                  root DIR/www;
                  location /upload/ { dav_methods PUT; create_full_put_path on; }
                }
                server {
                  listen 127.0.0.1:H2 ssl http2;
                  access_log DIR/h2.log h2;
                  location /post/ {
                    proxy_method PUT;
                    proxy_http_version 1.1;
                    proxy_request_buffering off;
                    proxy_pass http://127.0.0.1:PLAIN/upload/;
                  }
                TLS}
                server {
                  listen 127.0.0.1:H1 ssl;
                  access_log DIR/h1.log h2;
                TLS}
                server {
                  listen 127.0.0.1:GOAWAY ssl http2;
                  access_log DIR/goaway.log h2;
                  keepalive_requests 3;
                TLS}
                """.replace("TLS", tls)
                        .replace("GOAWAY", Integer.toString(goAway))
                        .replace("PLAIN", Integer.toString(plain))
                        .replace("H2", Integer.toString(h2))
                        .replace("H1", Integer.toString(h1)),
                plain);
        downloadSha256 = LargeTransferTest.writeRandomFile(dir.resolve("www/big.bin"), DOWNLOAD_SIZE);
        String d = dir.toAbsolutePath().toString();
        stack = PortlessStack.builder()
                .appWithoutIngress(H2)
                .appWithoutIngress(H1)
                .appWithoutIngress(GOAWAY)
                .ingressYaml(rule(H2, h2, d))
                .ingressYaml(rule(H1, h1, d))
                .ingressYaml(rule(GOAWAY, goAway, d))
                .build()
                .start();
    }

    private static String rule(String hostname, int port, String d) {
        return "  - hostname: " + hostname + "\n    service: https://127.0.0.1:" + port
                + "\n    origin-request:\n      ca-pool: " + d + "/ca.pem\n      origin-server-name: internal.local\n"
                + "      http2-origin: true";
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (nginx != null) {
            nginx.close();
        }
        if (dir != null) {
            Files.deleteIfExists(dir.resolve("www/big.bin"));
            Files.deleteIfExists(dir.resolve("www/upload/post.bin"));
        }
    }

    /** Returns curl's result for {@code hostname}{@code path} with the service token and {@code args}; stdout ends with the status. */
    private static ProcessResult curl(String hostname, String path, String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--http2", "-w", "\n%{http_code}"));
        command.addAll(List.of("-H", "@" + stack.serviceTokenHeaderFile()));
        command.addAll(stack.curlReaching(hostname));
        command.addAll(List.of(args));
        command.add(stack.appUrl(hostname, path));
        return Commands.run(command, CURL_TIMEOUT);
    }

    @Test
    void theOriginSeesHttp2AndItsHeaderComesBack() throws IOException {
        ProcessResult r = curl(H2, "/proto", "-D", "-");
        assertTrue(r.stdout().endsWith("HTTP/2.0\n\n200"), r.toString());
        assertTrue(r.stdout().toLowerCase().contains("x-origin-protocol: http/2.0"), r.stdout());
        assertTrue(logLines("h2.log").stream().anyMatch(l -> l.contains(" HTTP/2.0 GET /proto 200")), "h2.log");
    }

    @Test
    void aStreamedPostBodyArrivesWhole() throws IOException {
        Path body = dir.resolve("post-source.bin");
        String sha256 = LargeTransferTest.writeRandomFile(body, 4L << 20);
        // Chunked from curl: the body has no length anywhere on its way, so it streams.
        ProcessResult r = curl(
                H2, "/post/post.bin", "--http1.1", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + body);
        assertTrue(r.stdout().endsWith("201"), r.toString());
        assertEquals(sha256, LargeTransferTest.sha256(dir.resolve("www/upload/post.bin")), "the posted body differs");
        assertTrue(
                logLines("h2.log").stream().anyMatch(l -> l.contains(" HTTP/2.0 POST /post/post.bin 201")), "h2.log");
    }

    @Test
    void aHundredConcurrentRequestsShareAFewConnections() throws IOException {
        List<String> command = new ArrayList<>(List.of(
                "curl",
                "-sS",
                "--http2",
                "-Z",
                "--parallel-max",
                Integer.toString(CONCURRENT),
                "-w",
                "%{http_code}\n"));
        command.addAll(List.of("-H", "@" + stack.serviceTokenHeaderFile()));
        command.addAll(stack.curlReaching(H2));
        for (int i = 0; i < CONCURRENT; i++) {
            command.addAll(List.of("-o", "/dev/null", stack.appUrl(H2, "/proto?i=" + i)));
        }
        ProcessResult r = Commands.run(command, CURL_TIMEOUT);
        List<String> codes = r.stdout().lines().toList();
        assertEquals(CONCURRENT, codes.size(), r.toString());
        assertTrue(codes.stream().allMatch("200"::equals), r.stdout());
        Set<String> connections = new HashSet<>();
        int requests = 0;
        for (String line : logLines("h2.log")) {
            if (line.contains(" GET /proto?i=")) {
                assertTrue(line.contains(" HTTP/2.0 "), line);
                connections.add(line.substring(0, line.indexOf(' ')));
                requests++;
            }
        }
        assertEquals(CONCURRENT, requests, "requests nginx logged");
        System.out.printf("%d concurrent requests over %d HTTP/2 connections%n", CONCURRENT, connections.size());
        assertTrue(connections.size() <= 4, CONCURRENT + " requests took " + connections.size() + " connections");
    }

    @Test
    void aLargeDownloadArrivesWholeAndTheProgramsStaySmall() {
        ProcessResult download;
        LargeTransferTest.Peaks peaks = new LargeTransferTest.Peaks(stack.edge(), stack.connector());
        long started = System.nanoTime();
        try (peaks) {
            download = Commands.run(
                    List.of(
                            "bash",
                            "-c",
                            "set -o pipefail; curl -sS --fail --http2 -H @" + stack.serviceTokenHeaderFile() + " "
                                    + String.join(" ", stack.curlReaching(H2)) + " "
                                    + stack.appUrl(H2, "/big.bin") + " | sha256sum"),
                    CURL_TIMEOUT);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(0, download.exitCode(), download.toString());
        assertTrue(download.stdout().startsWith(downloadSha256 + " "), "the downloaded file differs: " + download);
        System.out.printf("%d MiB download from an HTTP/2 origin: %d ms, %s%n", DOWNLOAD_SIZE >> 20, millis, peaks);
        peaks.assertUnder(RSS_BOUND_MIB);
    }

    @Test
    void aResetStreamIsA502NamingIt() {
        ProcessResult r = curl(H2, "/reset", "-H", "Accept: application/json");
        assertTrue(r.stdout().endsWith("502"), r.toString());
        assertTrue(r.stdout().contains("origin_bad_response"), r.stdout());
        assertTrue(r.stdout().contains("RST_STREAM"), r.stdout());
    }

    @Test
    void aConnectionTheOriginSentGoawayOnTakesNoNewStreams() throws IOException {
        // nginx ends a connection after keepalive_requests (3 here) with GOAWAY naming the last stream.
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--http2", "-w", "%{http_code}\n"));
        command.addAll(List.of("-H", "@" + stack.serviceTokenHeaderFile()));
        command.addAll(stack.curlReaching(GOAWAY));
        for (int i = 0; i < 10; i++) {
            command.addAll(List.of("-o", "/dev/null", stack.appUrl(GOAWAY, "/proto?i=" + i)));
        }
        ProcessResult r = Commands.run(command, CURL_TIMEOUT);
        assertEquals(
                List.of("200", "200", "200", "200", "200", "200", "200", "200", "200", "200"),
                r.stdout().lines().toList(),
                r.toString());
        Set<String> connections = new HashSet<>();
        for (String line : logLines("goaway.log")) {
            connections.add(line.substring(0, line.indexOf(' ')));
        }
        assertTrue(connections.size() >= 4, "10 requests, 3 a connection, took " + connections);
    }

    @Test
    void anOriginWithoutH2IsReachedOverHttp11AndTheLogSaysSoOnce() throws IOException {
        for (int i = 0; i < 3; i++) {
            ProcessResult r = curl(H1, "/proto");
            assertTrue(r.stdout().endsWith("HTTP/1.1\n\n200"), r.toString());
        }
        Pattern said = Pattern.compile("did not select h2");
        stack.connector().awaitOutput(said, Duration.ofSeconds(5));
        String log = stack.connector().stdout() + stack.connector().stderr();
        assertEquals(1, log.lines().filter(l -> said.matcher(l).find()).count(), log);
        assertEquals(
                3,
                logLines("h1.log").stream()
                        .filter(l -> l.contains(" HTTP/1.1 GET /proto 200"))
                        .count());
    }

    private static List<String> logLines(String name) throws IOException {
        Path log = dir.resolve(name);
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }
}
