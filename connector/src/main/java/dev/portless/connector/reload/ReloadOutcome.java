package dev.portless.connector.reload;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * The outcome of reading one configuration file again: applied, with what it changed for new streams and the
 * settings that differ from the running ones but change only at a restart; or refused, with the file's
 * line-numbered error, the running configuration staying whole.
 */
public final class ReloadOutcome {
    private final Path file;
    private final Optional<String> refusal;
    private final String summary;
    private final List<String> changes;
    private final List<String> restartOnly;

    private ReloadOutcome(
            Path file, Optional<String> refusal, String summary, List<String> changes, List<String> restartOnly) {
        this.file = file;
        this.refusal = refusal;
        this.summary = summary;
        this.changes = List.copyOf(changes);
        this.restartOnly = List.copyOf(restartOnly);
    }

    /**
     * Returns the outcome of a reload of {@code file} that took effect.
     *
     * @param summary     what new streams now see, as one sentence
     * @param changes     what differs from the configuration before, one entry per kind of setting
     * @param restartOnly the names of the settings that differ from the running ones and were kept
     */
    public static ReloadOutcome applied(Path file, String summary, List<String> changes, List<String> restartOnly) {
        return new ReloadOutcome(
                requireNonNull(file, "file"),
                Optional.empty(),
                requireNonNull(summary, "summary"),
                requireNonNull(changes, "changes"),
                requireNonNull(restartOnly, "restartOnly"));
    }

    /** Returns the outcome of a reload of {@code file} refused for {@code error} (its first mistake, with its line). */
    public static ReloadOutcome refused(Path file, String error) {
        requireNonNull(error, "error");
        return new ReloadOutcome(requireNonNull(file, "file"), Optional.of(error), "", List.of(), List.of());
    }

    /** Returns whether the new settings took effect. */
    public boolean applied() {
        return refusal.isEmpty();
    }

    /** Returns the outcome as the operator reads it, one sentence a line. */
    public List<String> lines() {
        if (refusal.isPresent()) {
            return List.of(refusedLine());
        }
        List<String> lines = new ArrayList<>();
        lines.add(summary);
        lines.add(
                changes.isEmpty()
                        ? "Nothing that a reload applies changed in " + file
                        : "Changed in " + file + ": " + String.join("; ", changes));
        restartOnly().ifPresent(lines::add);
        return lines;
    }

    /** Logs the outcome: a refusal as an error, kept restart-only settings as a warning, the rest as information. */
    public void log(Logger log) {
        requireNonNull(log, "log");
        if (refusal.isPresent()) {
            log.error("{}", refusedLine());
            return;
        }
        log.info("{}", summary);
        log.info("{}", lines().get(1));
        restartOnly().ifPresent(line -> log.warn("{}", line));
    }

    private String refusedLine() {
        return "Reload refused, the running configuration stays: " + refusal.orElseThrow();
    }

    private Optional<String> restartOnly() {
        return restartOnly.isEmpty()
                ? Optional.empty()
                : Optional.of("Reload kept the running " + String.join(", ", restartOnly) + " of " + file
                        + ": these settings change only at a restart");
    }
}
