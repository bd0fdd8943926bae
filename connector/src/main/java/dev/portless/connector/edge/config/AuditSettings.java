package dev.portless.connector.edge.config;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.ConfigNode;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Where the edge writes its audit log, under {@code audit}:
 *
 * <pre>{@code
 * audit:
 *   file: audit.jsonl     # relative to edge.yml; created owner-only (0600). "-" writes to stdout.
 * }</pre>
 *
 * <p>Without the section the edge writes no audit log.
 *
 * @param file the file, or empty for stdout
 * @param on   whether there is an audit log at all
 */
public record AuditSettings(Optional<Path> file, boolean on) {
    /** No audit log. */
    public static final AuditSettings OFF = new AuditSettings(Optional.empty(), false);
    /** What {@code file} says for standard output. */
    public static final String STDOUT = "-";

    private static final Set<String> KEYS = Set.of("file");

    /** Checks that no component is null. */
    public AuditSettings {
        requireNonNull(file, "file");
    }

    /** Returns the {@code audit} section of {@code root}, or {@link #OFF} when absent. */
    static AuditSettings read(ConfigNode root) {
        return root.optionalChild("audit")
                .map(node -> {
                    node.rejectUnknownKeys(KEYS);
                    String file = node.requireString("file");
                    return STDOUT.equals(file)
                            ? new AuditSettings(Optional.empty(), true)
                            : new AuditSettings(Optional.of(node.requirePath("file")), true);
                })
                .orElse(OFF);
    }
}
