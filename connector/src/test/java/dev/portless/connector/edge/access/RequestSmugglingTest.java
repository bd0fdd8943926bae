package dev.portless.connector.edge.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.edge.config.EdgeLimits;
import dev.portless.connector.edge.policy.Identity;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/**
 * Requests two parsers could read two ways are refused with 400 before anything reaches a
 * connector. The app lets everyone in and has no connector online, so a request that got through
 * would be answered 502 {@code no_connector} instead.
 */
class RequestSmugglingTest {
    private static final String APP = TestEdge.APP;

    private final EmbeddedChannel connection = connection();

    private static EmbeddedChannel connection() {
        StreamServices services =
                TestEdge.services((h, app, c) -> Decision.allow(Identity.serviceToken("ci"), "minted"));
        return TestEdge.http1(services);
    }

    private String send(String request) {
        return TestEdge.exchange(connection, request);
    }

    private void assertRefused(String request, String sentence) {
        String answer = send(request);
        assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
        assertTrue(answer.endsWith(sentence + "\n"), answer);
        assertFalse(connection.isOpen(), "the connection closes after a refused head");
    }

    @Test
    void aRequestThatGetsThroughReachesAdmission() {
        String answer = send("POST /x HTTP/1.1\r\nHost: " + APP + "\r\nContent-Length: 3\r\n\r\nabc");
        assertTrue(answer.startsWith("HTTP/1.1 502 Bad Gateway\r\n"), answer);
        assertTrue(answer.contains("No connector is online for db.example.com"), answer);
    }

    @Test
    void contentLengthWithTransferEncodingIsRefusedByTheCodec() {
        assertRefused(
                "POST / HTTP/1.1\r\nHost: " + APP + "\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\n",
                "Malformed HTTP request.");
    }

    @Test
    void twoEqualContentLengthsAreRefusedByTheCodec() {
        assertRefused(
                "POST / HTTP/1.1\r\nHost: " + APP + "\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
                "Malformed HTTP request.");
    }

    @Test
    void aTransferEncodingOtherThanExactlyChunkedIsRefused() {
        // Netty accepts "gzip, chunked" (chunked is last); an origin might not.
        assertRefused(
                "POST / HTTP/1.1\r\nHost: " + APP + "\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
                "Bad request: Transfer-Encoding must be exactly \"chunked\".");
    }

    @Test
    void anUnknownTransferEncodingIsRefusedByTheCodec() {
        assertRefused(
                "POST / HTTP/1.1\r\nHost: " + APP + "\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
                "Malformed HTTP request.");
    }

    @Test
    void anObsFoldedHeaderIsRefused() {
        // Netty joins the folded line to the one before; the raw bytes are checked first.
        assertRefused(
                "GET / HTTP/1.1\r\nHost: " + APP + "\r\nX-A: b\r\n c\r\n\r\n",
                "Bad request: a folded header line (obs-fold) in the request head.");
    }

    @Test
    void aBadChunkSizeIsRefused() {
        String answer = send("POST / HTTP/1.1\r\nHost: edge.example.com\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "zz\r\nabc\r\n0\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
        assertTrue(answer.endsWith("Bad request: malformed chunked body.\n"), answer);
        assertFalse(connection.isOpen());
    }

    @Test
    void aBareCrInTheRequestLineIsRefused() {
        assertRefused(
                "GET /\r HTTP/1.1\r\nHost: " + APP + "\r\n\r\n", "Bad request: a CR without LF in the request head.");
    }

    @Test
    void aBareCrInAHeaderIsRefused() {
        assertRefused(
                "GET / HTTP/1.1\r\nHost: " + APP + "\r\nX-A: b\rc\r\n\r\n",
                "Bad request: a CR without LF in the request head.");
    }

    @Test
    void aNulInAHeaderIsRefused() {
        assertRefused(
                "GET / HTTP/1.1\r\nHost: " + APP + "\r\nX-A: b\0c\r\n\r\n",
                "Bad request: a NUL byte in the request head.");
    }

    @Test
    void twoHostHeadersAreRefused() {
        assertRefused(
                "GET / HTTP/1.1\r\nHost: " + APP + "\r\nHost: other.example.com\r\n\r\n",
                "Bad request: more than one Host header.");
    }

    @Test
    void anAbsoluteFormTargetForAnotherHostIsRefused() {
        assertRefused(
                "GET https://other.example.com/ HTTP/1.1\r\nHost: " + APP + "\r\n\r\n",
                "Bad request: the request target names another host than Host.");
    }

    @Test
    void anAbsoluteFormTargetForTheSameHostGoesThrough() {
        String answer = send("GET https://" + APP + "/x?y=1 HTTP/1.1\r\nHost: " + APP + "\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 502 Bad Gateway\r\n"), answer);
    }

    @Test
    void aHeaderBlockOverTheLimitGets431() {
        String big = "X-Big: " + "a".repeat(EdgeLimits.DEFAULTS.maxRequestHeaderBytes()) + "\r\n";
        String answer = send("GET / HTTP/1.1\r\nHost: " + APP + "\r\n" + big + "\r\n");
        assertEquals("HTTP/1.1 431 Request Header Fields Too Large", answer.substring(0, answer.indexOf("\r\n")));
        assertFalse(connection.isOpen());
    }
}
