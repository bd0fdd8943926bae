package dev.portless.connector.diag;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@code connector diag} puts into a support bundle.
 *
 * @param configs  the settings files, redacted in the bundle
 * @param logFile  the program's log file, whose end is copied
 * @param admin    the program's admin listener, whose metrics and readiness are read
 * @param pid      the running program whose threads {@code jcmd} dumps
 * @param version  the program's version line
 */
public record BundleRequest(
        List<Path> configs,
        Optional<Path> logFile,
        Optional<InetSocketAddress> admin,
        Optional<Long> pid,
        String version) {

    /** Validates the request. */
    public BundleRequest {
        configs = List.copyOf(requireNonNull(configs, "configs"));
        requireNonNull(logFile, "logFile");
        requireNonNull(admin, "admin");
        requireNonNull(pid, "pid");
        requireNonNull(version, "version");
    }
}
