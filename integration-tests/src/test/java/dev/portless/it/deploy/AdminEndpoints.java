package dev.portless.it.deploy;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A program's admin listener on port 9090 of a container's address, as the manifests' probes reach it:
 * {@code /ready}, {@code /healthz} and the {@code /metrics} gauges.
 */
final class AdminEndpoints {
    private static final int PORT = 9090;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
    private final String address;

    AdminEndpoints(String address) {
        this.address = requireNonNull(address, "address");
    }

    /** Waits until {@code /ready} answers 200, failing the test after {@code timeout}. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = get("/ready");
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new AssertionError(address + ":" + PORT + "/ready did not answer 200 within " + timeout.toSeconds()
                + " s (last: " + last + ")");
    }

    /** Returns the status {@code path} answers with. */
    int status(String path) throws IOException, InterruptedException {
        return get(path).statusCode();
    }

    /**
     * Waits until the {@code /metrics} sample {@code sample} (name and labels) reads {@code expected},
     * failing the test after {@code timeout} with the last value read.
     */
    void awaitSample(String sample, double expected, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        double last = sample(sample);
        while (last != expected && System.nanoTime() < deadline) {
            Thread.sleep(250);
            last = sample(sample);
        }
        if (last != expected) {
            throw new AssertionError(address + "'s " + sample + " read " + last + ", not " + expected + ", after "
                    + timeout.toSeconds() + " s");
        }
    }

    /** Returns the value of the {@code /metrics} sample whose name and labels are {@code sample}. */
    private double sample(String sample) throws IOException, InterruptedException {
        String body = get("/metrics").body();
        for (String line : body.split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        throw new AssertionError("no sample " + sample + " in " + address + "'s /metrics:\n" + body);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + ":" + PORT + path))
                .timeout(REQUEST_TIMEOUT)
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
