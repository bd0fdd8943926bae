package dev.portless.connector.edge.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.peers.Curl;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Debian's curl speaking HTTP/2 (prior knowledge) to the edge's browser front. */
class CurlHttp2Test {
    @TempDir
    Path dir;

    private TunnelledEdge edge;

    @BeforeEach
    void start() throws InterruptedException {
        edge = new TunnelledEdge(TunnelledEdge.SERVICE_TOKEN_OR_SIGN_IN, true);
    }

    @AfterEach
    void stop() {
        edge.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + edge.port() + path;
    }

    @Test
    void aPageAndAWebRequestAnswerOverH2() throws Exception {
        assertEquals(
                "2 200",
                Curl.run("--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_version} %{http_code}", url("/")));
        // Service-token headers from a file: no secret in argv.
        Path headers = Files.writeString(dir.resolve("headers"), "Access-Client-Id: ci\nAccess-Client-Secret: s\n");
        String answer = Curl.run(
                "--http2-prior-knowledge",
                "-H",
                "@" + headers,
                "-H",
                "Host: " + TestEdge.APP,
                "--data-binary",
                "hello",
                url("/sha256"));
        // SHA-256 of "hello".
        assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", answer);
    }

    @ParameterizedTest(name = "{0} KiB")
    @ValueSource(ints = {34, 50})
    void aHeaderListOverTheLimitIsAnswered431(int kib) throws Exception {
        // 50 KiB is past where Netty's decoder alone gives up on the connection (GOAWAY) rather than answer;
        // curl (nghttp2) sends no header block over 64 KiB.
        String big = "X-Big: " + "a".repeat(kib * 1024);
        String status =
                Curl.run("--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_code}", "-H", big, url("/signin"));
        assertEquals("431", status);
        assertTrue(edge.connector.requests.isEmpty());
    }
}
