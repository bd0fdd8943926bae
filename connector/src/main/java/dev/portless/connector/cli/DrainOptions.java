package dev.portless.connector.cli;

import dev.portless.common.config.Durations;
import dev.portless.connector.edge.config.EdgeLimits;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The edge's drain option, shared by {@code edge} and {@code serve}. */
final class DrainOptions {
    @Option(
            names = "--drain-timeout",
            paramLabel = "DURATION",
            description = "on SIGTERM, how long open streams may finish before they end (default: 30s; 0s..1h)")
    String drainTimeout;

    /** Returns the checked drain timeout; a malformed or out-of-range value is a usage error. */
    Duration drainTimeout(CommandSpec spec) {
        if (drainTimeout == null) {
            return EdgeLimits.DRAIN_TIMEOUT;
        }
        Duration d;
        try {
            d = Durations.parse(drainTimeout);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--drain-timeout: " + e.getMessage());
        }
        if (d.compareTo(EdgeLimits.MAX_DRAIN_TIMEOUT) > 0) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--drain-timeout: " + drainTimeout + " is out of range (expected: 0s.."
                            + Durations.format(EdgeLimits.MAX_DRAIN_TIMEOUT) + ")");
        }
        return d;
    }
}
