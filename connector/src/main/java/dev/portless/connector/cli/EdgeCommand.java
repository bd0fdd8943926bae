package dev.portless.connector.cli;

import dev.portless.common.admin.AdminListener;
import dev.portless.common.admin.LifecycleReadiness;
import dev.portless.common.config.Durations;
import dev.portless.common.env.NamedFile;
import dev.portless.connector.edge.EdgeServer;
import dev.portless.connector.edge.config.EdgeConfig;
import dev.portless.connector.edge.config.EdgeLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code connector edge}: runs the public edge until stopped. */
@Command(
        name = "edge",
        mixinStandardHelpOptions = true,
        description = "Run the public edge: TLS listener for clients, tunnel listener for connectors.",
        subcommands = SshCaCommand.class)
final class EdgeCommand implements Callable<Integer> {
    // Not "required": picocli would then demand it before "edge ssh-ca --config FILE" too.
    @Option(names = "--config", paramLabel = "FILE", description = "edge.yml (required)")
    Path config;

    @Option(
            names = "--drain-timeout",
            paramLabel = "DURATION",
            description = "on SIGTERM, how long open streams may finish before they end (default: 30s; 0s..1h)")
    String drainTimeout;

    @Spec
    CommandSpec spec;

    @Mixin
    AdminOptions admin = new AdminOptions();

    @Override
    public Integer call() throws InterruptedException {
        if (config == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--config=FILE'");
        }
        Duration drain = drainTimeout();
        EdgeConfig edgeConfig = EdgeConfig.load(new NamedFile("--config", config).requireReadable());
        LifecycleReadiness lifecycle = new LifecycleReadiness();
        Optional<AdminListener> listener = admin.start(lifecycle);
        EdgeServer edge = EdgeServer.start(edgeConfig, admin.registry());
        lifecycle.started();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            lifecycle.draining();
                            edge.drainAndClose(drain);
                            listener.ifPresent(AdminListener::close);
                        },
                        "edge-drain"));
        edge.closeFuture().await();
        return 0;
    }

    private Duration drainTimeout() {
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
