package dev.portless.it.peers;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's Prometheus server on a loopback port, scraping the given jobs every second, queried
 * through its HTTP API as a dashboard would.
 */
public final class Prometheus implements AutoCloseable {
    private static final String BINARY = "/usr/bin/prometheus";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern SCALAR_VALUE = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]");

    private final Path dir;
    private final Process process;
    private final int port;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Prometheus(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /**
     * Returns a started server scraping each job of {@code targets} (job name to {@code host:port})
     * every second. Skips the test (fails it on CI) if Prometheus is not installed.
     */
    public static Prometheus start(Map<String, String> targets) {
        requireNonNull(targets, "targets");
        Peers.require("prometheus (Debian package prometheus)", Peers.executable(BINARY));
        Path dir = TempDirs.create("portless-prometheus");
        StringBuilder config =
                new StringBuilder("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n");
        targets.forEach((job, target) -> config.append("  - job_name: ")
                .append(job)
                .append("\n    static_configs:\n      - targets: ['")
                .append(target)
                .append("']\n"));
        int port = FreePorts.next();
        try {
            Files.writeString(dir.resolve("prometheus.yml"), config);
            Process process = new ProcessBuilder(
                            BINARY,
                            "--config.file=" + dir.resolve("prometheus.yml"),
                            "--storage.tsdb.path=" + dir.resolve("data"),
                            "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
            Prometheus prometheus = new Prometheus(dir, process, port);
            prometheus.awaitReady();
            return prometheus;
        } catch (IOException e) {
            TempDirs.delete(dir);
            throw new UncheckedIOException("cannot start prometheus", e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited at start: " + log());
            }
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            sleep(200);
        }
        close();
        throw new IllegalStateException("prometheus was not ready within " + START_TIMEOUT + ": " + log());
    }

    /**
     * Returns the value of the PromQL expression {@code query}, which must yield one sample (wrap it
     * in {@code sum(...)}); NaN when it yields none.
     */
    public double query(String query) {
        try {
            HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                throw new IllegalStateException("query " + query + " answered " + r.statusCode() + ": " + r.body());
            }
            Matcher m = SCALAR_VALUE.matcher(r.body());
            return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        } catch (IOException e) {
            throw new UncheckedIOException("query " + query + " failed", e);
        }
    }

    /** Returns whether the PromQL expression {@code query} parses and yields at least one series. */
    public boolean hasSeries(String query) {
        try {
            HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                throw new IllegalStateException("query " + query + " answered " + r.statusCode() + ": " + r.body());
            }
            return !r.body().contains("\"result\":[]");
        } catch (IOException e) {
            throw new UncheckedIOException("query " + query + " failed", e);
        }
    }

    /**
     * Returns the value of {@code query} once it is at least {@code atLeast}, polling for up to
     * {@code timeout}; the last value seen (or NaN) when it never got there.
     */
    public double awaitAtLeast(String query, double atLeast, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        double value = Double.NaN;
        while (System.nanoTime() < deadline) {
            value = query(query);
            if (value >= atLeast) {
                return value;
            }
            sleep(250);
        }
        return value;
    }

    private HttpResponse<String> get(String path) throws IOException {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        ProcessTermination.terminate(process);
        TempDirs.delete(dir);
    }
}
