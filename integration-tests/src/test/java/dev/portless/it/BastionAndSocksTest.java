package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.Peers;
import dev.portless.it.peers.ProcessResult;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A bastion app: the connector dials the destination each stream names when its rule allows it, reached with
 * {@code access tcp --destination} and with curl through {@code access socks}.
 */
class BastionAndSocksTest {
    private static final String JUMP = "jump.portless.test";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static HttpServer allowed;
    private static HttpServer refused;
    private static PortlessStack stack;
    private static final List<JavaProcess> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        allowed = target("allowed target");
        refused = target("refused target");
        stack = PortlessStack.builder()
                .appWithoutIngress(JUMP)
                .ingressYaml("  - hostname: " + JUMP + "\n    service: bastion\n    allow: [\"127.0.0.1:"
                        + allowed.getAddress().getPort() + "\"]")
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        clients.forEach(JavaProcess::close);
        if (stack != null) {
            stack.close();
        }
        allowed.stop(0);
        refused.stop(0);
    }

    @Test
    void accessTcpWithAnAllowedDestinationReachesIt() {
        int port = accessTcp("127.0.0.1:" + allowed.getAddress().getPort());
        ProcessResult ok = curl("http://127.0.0.1:" + port + "/");
        assertEquals("allowed target", ok.assertSuccess().stdout());
    }

    @Test
    void accessTcpWithARefusedDestinationSaysWhy() {
        // 192.0.2.1 (TEST-NET-1) is in no entry: refused by the connector before any dial.
        JavaProcess tcp = startAccessTcp("192.0.2.1:80");
        ProcessResult no = curl("http://127.0.0.1:" + listenPort(tcp) + "/");
        assertNotEquals(0, no.exitCode(), no.toString());
        tcp.awaitOutput(
                Pattern.compile("The connector's bastion rule for " + Pattern.quote(JUMP)
                        + " refused the destination: 192\\.0\\.2\\.1:80 is not in the bastion's allow-list\\."),
                WAIT);
        stack.connector().awaitOutput(Pattern.compile("bastion refused: 192\\.0\\.2\\.1:80 is not in"), WAIT);
    }

    @Test
    void curlThroughSocksReachesAllowedAndIsRefusedTheRest() {
        int socksPort = FreePorts.next();
        JavaProcess socks = JavaProcess.start(
                "dev.portless.access.AccessMain",
                List.of("socks", "--hostname", JUMP, "--listen", "127.0.0.1:" + socksPort),
                stack.accessEnv());
        clients.add(socks);
        socks.awaitOutput(Pattern.compile("SOCKS5 proxy listening on"), WAIT);
        String proxy = "127.0.0.1:" + socksPort;

        // localhost travels as a name and resolves at the connector, to the allowed address.
        ProcessResult ok =
                curlVia(proxy, "http://localhost:" + allowed.getAddress().getPort() + "/");
        assertEquals("allowed target", ok.assertSuccess().stdout());

        ProcessResult no =
                curlVia(proxy, "http://127.0.0.1:" + refused.getAddress().getPort() + "/");
        // curl's 97: the proxy refused the request; its message carries the SOCKS reply code.
        assertEquals(97, no.exitCode(), no.toString());
        // A loopback port the entry does not name: refused as loopback, with the remedy.
        socks.awaitOutput(
                Pattern.compile("127\\.0\\.0\\.1:" + refused.getAddress().getPort()
                        + " refused with SOCKS reply FORBIDDEN\\(2\\): .* is a loopback address"),
                WAIT);

        ProcessResult metadata = curlVia(proxy, "http://169.254.169.254/");
        assertEquals(97, metadata.exitCode(), metadata.toString());
        stack.connector()
                .awaitOutput(
                        Pattern.compile("bastion refused: 169\\.254\\.169\\.254:80 is refused: .*link-local"), WAIT);
    }

    @Test
    void socksRefusesANonLoopbackListenAddress() {
        JavaProcess socks = JavaProcess.start(
                "dev.portless.access.AccessMain",
                List.of("socks", "--hostname", JUMP, "--listen", "0.0.0.0:" + FreePorts.next()),
                stack.accessEnv());
        clients.add(socks);
        assertNotEquals(0, socks.waitFor(WAIT));
        assertTrue(socks.stderr().contains("is not a loopback address"), socks.stderr());
    }

    private static int accessTcp(String destination) {
        return listenPort(startAccessTcp(destination));
    }

    private static JavaProcess startAccessTcp(String destination) {
        JavaProcess p = JavaProcess.start(
                "dev.portless.access.AccessMain",
                List.of(
                        "tcp",
                        "--hostname",
                        JUMP,
                        "--url",
                        "127.0.0.1:" + FreePorts.next(),
                        "--destination",
                        destination),
                stack.accessEnv());
        clients.add(p);
        p.awaitOutput(Pattern.compile("access: listening on"), WAIT);
        return p;
    }

    private static int listenPort(JavaProcess tcp) {
        return Integer.parseInt(tcp.awaitOutput(Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)"), WAIT)
                .group(1));
    }

    private static ProcessResult curl(String url) {
        Peers.require("curl (Debian package curl)", Peers.executable("/usr/bin/curl"));
        return Commands.run(List.of("/usr/bin/curl", "-sS", "--max-time", "20", url), WAIT);
    }

    private static ProcessResult curlVia(String proxy, String url) {
        Peers.require("curl (Debian package curl)", Peers.executable("/usr/bin/curl"));
        return Commands.run(
                List.of("/usr/bin/curl", "-sS", "--max-time", "20", "--noproxy", "", "--socks5-hostname", proxy, url),
                WAIT);
    }

    private static HttpServer target(String body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return server;
    }
}
