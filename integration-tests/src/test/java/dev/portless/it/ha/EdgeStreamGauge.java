package dev.portless.it.ha;

import dev.portless.it.harness.TwoEdgeStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The streams an edge relays now for the app, read from its admin listener's {@code /metrics}: which edge HAProxy
 * gave a stream is decided by its balancing, so a test that must kill an edge carrying one asks the edges.
 */
final class EdgeStreamGauge {
    private static final String SAMPLE = "portless_edge_streams_open{app=\"" + TwoEdgeStack.APP + "\"} ";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private EdgeStreamGauge() {}

    /** Returns how many of the app's streams edge {@code i} of {@code stack} relays now. */
    static int streamsOpen(TwoEdgeStack stack, int i) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + stack.adminAddress(i) + "/metrics"))
                .timeout(TIMEOUT)
                .build();
        String body;
        try {
            body = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException("reading edge " + i + "'s /metrics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading edge " + i + "'s /metrics", e);
        }
        for (String line : body.split("\n")) {
            if (line.startsWith(SAMPLE)) {
                return (int) Double.parseDouble(line.substring(SAMPLE.length()).trim());
            }
        }
        return 0;
    }
}
