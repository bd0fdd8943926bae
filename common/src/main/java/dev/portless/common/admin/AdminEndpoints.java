package dev.portless.common.admin;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** What the admin paths answer, apart from HTTP: readiness and the metrics exposition. */
final class AdminEndpoints {
    private final PrometheusRegistry registry;
    private final Readiness readiness;
    private final Executor scrapes;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    AdminEndpoints(PrometheusRegistry registry, Readiness readiness, Executor scrapes) {
        this.registry = registry;
        this.readiness = readiness;
        this.scrapes = scrapes;
    }

    Readiness readiness() {
        return readiness;
    }

    String contentType() {
        return writer.getContentType();
    }

    /** Returns the exposition, collected on the scrape thread: collectors may take locks or read /proc. */
    CompletableFuture<byte[]> scrape() {
        return CompletableFuture.supplyAsync(
                () -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
                    try {
                        writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return out.toByteArray();
                },
                scrapes);
    }
}
