package dev.portless.connector.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.demo.DemoCertificates;
import dev.portless.connector.peers.ClosingKeepAliveOrigin;
import dev.portless.connector.peers.GarbageOrigin;
import dev.portless.connector.peers.Nginx;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The connector's web proxy against a real nginx (http, https with a private CA, a unix socket), a
 * WebSocket origin, an origin that answers garbage and a refused port, driven through a tunnel
 * connection as the edge drives it.
 */
class WebProxyNginxTest {
    private static final long BIG = 100L << 20;

    private static Path dir;
    private static Nginx nginx;
    private static WebSocketEcho ws;
    private static GarbageOrigin garbage;
    private static ClosingKeepAliveOrigin closing;
    private static WebTunnel tunnel;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("web-proxy");
        int http = Nginx.freePort();
        int https = Nginx.freePort();
        DemoCertificates.write(dir, List.of("internal.local"), List.of());
        String echo = "host=$host|xff=$http_x_forwarded_for|xfp=$http_x_forwarded_proto|xfh=$http_x_forwarded_host"
                + "|via=$http_via|jwt=$http_cf_access_jwt_assertion|email=$http_cf_access_authenticated_user_email"
                + "|cip=$http_cf_connecting_ip|portless=$http_portless_app_token$http_portless_identity"
                + "|cookie=$http_cookie|te=$http_te|upgrade=$http_upgrade|conn=$connection|n=$connection_requests";
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
                  location = /forged {
                    add_header Portless-Error forged always;
                    add_header X-Kept yes always;
                    return 200 "ok\\n";
                  }
                  location = /deny {
                    add_header X-Why no-upgrades always;
                    default_type text/plain;
                    return 403 "no websockets here\\n";
                  }
                  location /upload/ { dav_methods PUT; create_full_put_path on; }
                  location = /short { keepalive_timeout 1s; default_type text/plain; return 200 "ECHO\n"; }
                }
                """.replace("HTTPS", Integer.toString(https))
                        .replace("HTTP", Integer.toString(http))
                        .replace("ECHO", echo),
                http);
        ws = new WebSocketEcho();
        garbage = GarbageOrigin.start();
        closing = ClosingKeepAliveOrigin.start();
        String d = dir.toString();
        tunnel = new WebTunnel(
                dir, """
                ingress:
                  - hostname: plain.example.com
                    service: http://127.0.0.1:%1$d
                  - hostname: unix.example.com
                    service: unix:%3$s/nginx.sock
                  - hostname: tls.example.com
                    service: https://127.0.0.1:%2$d
                    origin-request:
                      ca-pool: ca.pem
                      origin-server-name: internal.local
                  - hostname: insecure.example.com
                    service: https://127.0.0.1:%2$d
                    origin-request:
                      no-tls-verify: true
                  - hostname: mismatch.example.com
                    service: https://127.0.0.1:%2$d
                    origin-request:
                      ca-pool: ca.pem
                  - hostname: unknown-ca.example.com
                    service: https://127.0.0.1:%2$d
                    origin-request:
                      origin-server-name: internal.local
                  - hostname: garbage.example.com
                    service: http://127.0.0.1:%4$d
                  - hostname: refused.example.com
                    service: http://127.0.0.1:%5$d
                    origin-request:
                      connect-timeout: 2s
                  - hostname: ws.example.com
                    service: http://127.0.0.1:%6$d
                  - hostname: hello.example.com
                    service: hello-world
                  - hostname: closing.example.com
                    service: http://127.0.0.1:%7$d
                  - hostname: ssh.example.com
                    service: tcp://127.0.0.1:1
                  - service: http_status:404
                """.formatted(http, https, d, garbage.port(), Nginx.freePort(), ws.port(), closing.port()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (tunnel != null) {
            tunnel.close();
        }
        if (ws != null) {
            ws.close();
        }
        if (garbage != null) {
            garbage.close();
        }
        if (closing != null) {
            closing.close();
        }
        if (nginx != null) {
            nginx.close();
        }
        // The big files alone are 200 MiB.
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    private static WebTunnel.Exchange get(String app, String path) throws Exception {
        WebTunnel.Exchange x = tunnel.send(WebTunnel.request("GET", app, path, TunnelProtocol.KIND_HTTP), null, true);
        x.await();
        return x;
    }

    /** Returns the message of a refused request, after checking its status and code. */
    private static String assertRefused(String app, String path, String status, String code) throws Exception {
        Http2Headers answer = get(app, path).headers.get();
        assertEquals(status, answer.status().toString());
        assertEquals(code, answer.get(TunnelProtocol.ERROR).toString());
        return answer.get(TunnelProtocol.MESSAGE).toString();
    }

    private static String field(String echo, String name) {
        for (String part : echo.trim().split("\\|")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no " + name + " in " + echo);
    }

    @Test
    void theOriginGetsTheProxyHeadersAndNoForgedOnes() throws Exception {
        Http2Headers request = WebTunnel.request("GET", "plain.example.com", "/echo", TunnelProtocol.KIND_HTTP)
                .add("x-forwarded-for", "10.1.1.1")
                .add("cf-access-jwt-assertion", "forged")
                .add("cf-access-authenticated-user-email", "mallory@example.com")
                .add("cf-connecting-ip", "10.9.9.9")
                .add("cookie", "a=1")
                .add("cookie", "b=2")
                .add("te", "trailers");
        WebTunnel.Exchange x = tunnel.send(request, null, true);
        Http2Headers answer = x.await();

        assertEquals("200", answer.status().toString());
        assertNull(answer.get(TunnelProtocol.ERROR));
        String echo = x.body();
        assertEquals("plain.example.com", field(echo, "host"));
        assertEquals("10.1.1.1, 203.0.113.7", field(echo, "xff"));
        assertEquals("https", field(echo, "xfp"));
        assertEquals("plain.example.com", field(echo, "xfh"));
        assertEquals("1.1 portless", field(echo, "via"));
        assertEquals(
                WebTunnel.token("plain.example.com").split("\\.")[0],
                field(echo, "jwt").split("\\.")[0]);
        assertTrue(field(echo, "jwt").chars().filter(c -> c == '.').count() == 2, echo);
        assertEquals("alice@example.com", field(echo, "email"));
        assertEquals("203.0.113.7", field(echo, "cip"));
        assertEquals("", field(echo, "portless"));
        assertEquals("a=1; b=2", field(echo, "cookie"));
        assertEquals("", field(echo, "te"));
    }

    @Test
    void anOriginCannotSendPortlessHeaders() throws Exception {
        WebTunnel.Exchange x = get("plain.example.com", "/forged");
        Http2Headers answer = x.headers.get();
        assertEquals("200", answer.status().toString());
        assertNull(answer.get(TunnelProtocol.ERROR), "an origin's portless-error never reaches the edge");
        assertEquals("yes", answer.get("x-kept").toString());
        assertNull(answer.get("connection"));
    }

    @Test
    void httpsWithAPrivateCaAndServerName() throws Exception {
        WebTunnel.Exchange x = get("tls.example.com", "/echo");
        assertEquals("200", x.headers.get().status().toString());
        assertEquals("tls.example.com", field(x.body(), "host"));
    }

    @Test
    void httpsWithoutVerification() throws Exception {
        WebTunnel.Exchange x = get("insecure.example.com", "/echo");
        assertEquals("200", x.headers.get().status().toString());
    }

    @Test
    void aNameMismatchNamesBothNames() throws Exception {
        String message = assertRefused("mismatch.example.com", "/echo", "502", "origin_tls");
        assertEquals(
                "TLS with the origin https://127.0.0.1:" + httpsPort() + " failed: the origin's certificate is for "
                        + "internal.local, not 127.0.0.1; set origin-server-name or ca-pool.",
                message);
    }

    @Test
    void anUnknownCaSuggestsCaPool() throws Exception {
        String message = assertRefused("unknown-ca.example.com", "/echo", "502", "origin_tls");
        assertTrue(message.contains("is not signed by a CA the connector trusts; set ca-pool"), message);
    }

    @Test
    void aUnixSocketOrigin() throws Exception {
        WebTunnel.Exchange x = get("unix.example.com", "/echo");
        assertEquals("200", x.headers.get().status().toString());
        assertEquals("unix.example.com", field(x.body(), "host"));
    }

    @Test
    void keepAliveConnectionsServeSeveralRequests() throws Exception {
        Set<String> connections = new HashSet<>();
        int lastCount = 0;
        for (int i = 0; i < 5; i++) {
            String echo = get("plain.example.com", "/echo?i=" + i).body();
            connections.add(field(echo, "conn"));
            lastCount = Integer.parseInt(field(echo, "n"));
        }
        assertEquals(1, connections.size(), "one pooled connection served all five: " + connections);
        assertTrue(lastCount >= 5, "nginx counted " + lastCount + " requests on it");
        String conn = connections.iterator().next();
        long onThatConnection = nginx.accessLog().stream()
                .filter(l -> l.startsWith(conn + " ") && l.contains("/echo?i="))
                .count();
        assertEquals(5, onThatConnection, "nginx's access log: " + nginx.accessLog());
    }

    @Test
    void anIdleConnectionTheOriginClosedLeavesThePool() throws Exception {
        String first = get("plain.example.com", "/short").body();
        Thread.sleep(2_000); // nginx closes the idle connection after 1 s
        WebTunnel.Exchange second = get("plain.example.com", "/short");
        assertEquals("200", second.headers.get().status().toString());
        assertTrue(
                !field(first, "conn").equals(field(second.body(), "conn")),
                "the second request took a new connection: " + first + second.body());
    }

    @Test
    void aSafeRequestOnAConnectionTheOriginClosedGoesOnceMoreOnANewOne() throws Exception {
        assertEquals("conn=1", get("closing.example.com", "/first").body());

        WebTunnel.Exchange again = get("closing.example.com", "/second");

        assertEquals("200", again.headers.get().status().toString());
        assertEquals("conn=2", again.body(), "answered on a new connection");
        assertEquals(
                List.of("conn=1 GET /first HTTP/1.1", "conn=1 GET /second HTTP/1.1", "conn=2 GET /second HTTP/1.1"),
                closing.requests(),
                "the pooled connection took the request, closed, and a new one answered it");

        // A POST may have been acted on even without an answer: it is never sent twice.
        WebTunnel.Exchange post = tunnel.send(
                WebTunnel.request("POST", "closing.example.com", "/third", TunnelProtocol.KIND_HTTP), null, true);
        post.await();
        assertEquals("502", post.headers.get().status().toString());
        assertEquals(
                "origin_bad_response",
                post.headers.get().get(TunnelProtocol.ERROR).toString());
        assertEquals("conn=2 POST /third HTTP/1.1", closing.requests().get(3));
        assertEquals(4, closing.requests().size(), "no second POST: " + closing.requests());
    }

    @Test
    void aHundredMebibytesDownAndUpStreamWithBoundedMemory() throws Exception {
        WebTunnel.Body file = new WebTunnel.Body(BIG);
        Files.createDirectories(dir.resolve("www"));
        try (OutputStream out = Files.newOutputStream(dir.resolve("www/big.bin"))) {
            while (!file.done()) {
                out.write(io.netty.buffer.ByteBufUtil.getBytes(file.next(1 << 20)));
            }
        }
        byte[] fileSha = file.digest();
        MemoryWatch watch = MemoryWatch.start();

        WebTunnel.Exchange down = tunnel.send(
                WebTunnel.request("GET", "plain.example.com", "/big.bin", TunnelProtocol.KIND_HTTP), null, false);
        down.await();
        assertEquals("200", down.headers.get().status().toString());
        assertEquals(BIG, down.received.get());
        assertArrayEquals(fileSha, down.digest(), "the download's SHA-256 equals the file's");

        WebTunnel.Body upload = new WebTunnel.Body(BIG);
        WebTunnel.Exchange up = tunnel.send(
                WebTunnel.request("PUT", "plain.example.com", "/upload/up.bin", TunnelProtocol.KIND_HTTP),
                upload,
                false);
        up.await();
        assertEquals("201", up.headers.get().status().toString());
        assertArrayEquals(upload.digest(), sha256(dir.resolve("www/upload/up.bin")), "the upload arrived whole");

        watch.stop();
        System.out.printf(
                "web proxy, 100 MiB down and up: peak direct memory %d KiB, peak heap %d MiB%n",
                watch.peakDirect.get() >> 10, watch.peakHeap.get() >> 20);
        assertTrue(
                watch.peakDirect.get() < 48L << 20,
                "Netty's buffers stayed below 48 MiB: " + (watch.peakDirect.get() >> 20) + " MiB");
    }

    @Test
    void anOriginThatAnswersGarbage() throws Exception {
        String message = assertRefused("garbage.example.com", "/", "502", "origin_bad_response");
        assertTrue(message.contains("answered something that is not HTTP"), message);
    }

    @Test
    void aRefusedPort() throws Exception {
        String message = assertRefused("refused.example.com", "/", "502", "origin_refused");
        assertTrue(message.endsWith("check that the web app is running."));
    }

    @Test
    void aWebSocketUpgradeIsPassedThrough() throws Exception {
        String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        Http2Headers request = WebTunnel.request("GET", "ws.example.com", "/ws", TunnelProtocol.KIND_WEBSOCKET)
                .add("sec-websocket-key", key)
                .add("sec-websocket-version", "13");
        // The stream stays open for the WebSocket's bytes: its headers come without END_STREAM.
        WebTunnel.Exchange x = tunnel.open(request);
        Http2Headers answer = x.headers.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("200", answer.status().toString());
        assertEquals("websocket", answer.get(TunnelProtocol.UPGRADED).toString());
        String accept = Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("SHA-1")
                        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
        assertEquals(accept, answer.get("sec-websocket-accept").toString());

        byte[] mask = {1, 2, 3, 4};
        byte[] text = "hello".getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[2 + 4 + text.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | text.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < text.length; i++) {
            frame[6 + i] = (byte) (text[i] ^ mask[i % 4]);
        }
        x.sendRaw(frame, false);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (x.received.get() < 2 + text.length && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertArrayEquals(
                new byte[] {(byte) 0x81, 5, 'h', 'e', 'l', 'l', 'o'}, x.keptBytes(), "the origin's echo, raw");
        x.stream.close();
    }

    @Test
    void anUpgradeTheOriginRefusesIsItsOwnMarkedResponse() throws Exception {
        Http2Headers request = WebTunnel.request("GET", "plain.example.com", "/deny", TunnelProtocol.KIND_WEBSOCKET)
                .add("sec-websocket-key", "MDEyMzQ1Njc4OWFiY2RlZg==")
                .add("sec-websocket-version", "13");
        WebTunnel.Exchange x = tunnel.open(request);
        Http2Headers answer = x.headers.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("403", answer.status().toString());
        assertEquals(
                TunnelProtocol.UPGRADED_NO, answer.get(TunnelProtocol.UPGRADED).toString());
        assertEquals("no-upgrades", answer.get("x-why").toString());
        assertEquals(null, answer.get(TunnelProtocol.ERROR), "the origin's own answer, not the connector's error");
        x.await();
        assertEquals("no websockets here\n", x.body());
    }

    @Test
    void theHelloWorldPageNamesTheAppAndTheIdentity() throws Exception {
        WebTunnel.Exchange x = get("hello.example.com", "/first/try?x=<b>");
        assertEquals("200", x.headers.get().status().toString());
        assertTrue(x.body().contains("<h1>Hello from hello.example.com</h1>"), x.body());
        assertTrue(x.body().contains("alice@example.com"), x.body());
        assertTrue(x.body().contains("GET /first/try?x=&lt;b&gt;"), x.body());
    }

    @Test
    void aWebRequestForATcpAppIsNotHttp() throws Exception {
        String message = assertRefused("ssh.example.com", "/", "502", "not_http");
        assertEquals("ssh.example.com is a TCP app; reach it with access tcp", message);
    }

    @Test
    void anUnknownHostnameHasNoIngress() throws Exception {
        String message = assertRefused("nowhere.example.com", "/x", "404", "no_ingress");
    }

    @Test
    void aTokenForAnotherAppIsRefusedBeforeTheOrigin() throws Exception {
        Http2Headers request = WebTunnel.request("GET", "plain.example.com", "/echo", TunnelProtocol.KIND_HTTP)
                .set(TunnelProtocol.APP_TOKEN, WebTunnel.token("other.example.com"));
        WebTunnel.Exchange x = tunnel.send(request, null, true);
        Http2Headers answer = x.await();
        assertEquals("401", answer.status().toString());
        assertEquals("token_rejected", answer.get(TunnelProtocol.ERROR).toString());
    }

    private static int httpsPort() throws IOException {
        String conf = Files.readString(dir.resolve("nginx.conf"));
        String marker = "listen 127.0.0.1:";
        int at = conf.indexOf(" ssl;");
        int start = conf.lastIndexOf(marker, at) + marker.length();
        return Integer.parseInt(conf.substring(start, at));
    }

    private static byte[] sha256(Path file) throws IOException {
        MessageDigest sha = WebTunnel.sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
        }
        return sha.digest();
    }

    /** Samples Netty's buffer memory and the heap every 10 ms. */
    private static final class MemoryWatch {
        final AtomicLong peakDirect = new AtomicLong();
        final AtomicLong peakHeap = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private Thread thread;

        static MemoryWatch start() {
            MemoryWatch w = new MemoryWatch();
            w.thread = new Thread(() -> {
                while (w.running.get()) {
                    if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p) {
                        long used = p.metric().usedDirectMemory() + p.metric().usedHeapMemory();
                        w.peakDirect.accumulateAndGet(used, Math::max);
                    }
                    long heap = ManagementFactory.getMemoryMXBean()
                            .getHeapMemoryUsage()
                            .getUsed();
                    w.peakHeap.accumulateAndGet(heap, Math::max);
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            w.thread.setDaemon(true);
            w.thread.start();
            return w;
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }
}
