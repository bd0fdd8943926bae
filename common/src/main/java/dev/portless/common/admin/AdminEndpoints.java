package dev.portless.common.admin;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/** What the admin paths answer, apart from HTTP: readiness, the metrics exposition and the commands. */
final class AdminEndpoints {
    private final PrometheusRegistry registry;
    private final Readiness readiness;
    private final Executor scrapes;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    // Path → the command posted there, with the secret its Bearer token must equal.
    private final Map<String, SecretCommand> commands = new ConcurrentHashMap<>();

    AdminEndpoints(PrometheusRegistry registry, Readiness readiness, Executor scrapes) {
        this.registry = registry;
        this.readiness = readiness;
        this.scrapes = scrapes;
    }

    void command(String path, byte[] secret, AdminCommand command) {
        commands.put(path, new SecretCommand(secret.clone(), command));
    }

    Optional<SecretCommand> command(String path) {
        return Optional.ofNullable(commands.get(path));
    }

    /** Runs {@code command} on the scrape thread: a command may block (a database, a lock). */
    CompletableFuture<AdminAnswer> run(AdminCommand command, String body) {
        return CompletableFuture.supplyAsync(() -> command.run(body), scrapes);
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

    /** A command and the secret a request for it must carry. */
    record SecretCommand(byte[] secret, AdminCommand command) {
        /** Returns whether {@code presented} is the secret, compared in constant time. */
        boolean accepts(String presented) {
            return presented != null && MessageDigest.isEqual(secret, presented.getBytes(StandardCharsets.UTF_8));
        }
    }
}
