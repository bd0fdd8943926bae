package dev.portless.connector.cli;

import dev.portless.common.admin.AdminListener;
import dev.portless.common.admin.LifecycleReadiness;
import dev.portless.common.env.NamedFile;
import dev.portless.connector.edge.EdgeServer;
import dev.portless.connector.edge.config.EdgeConfig;
import dev.portless.connector.edge.signout.AdministratorSignOut;
import dev.portless.connector.reload.ConfigReload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

    @Spec
    CommandSpec spec;

    @Mixin
    AdminOptions admin = new AdminOptions();

    @Mixin
    DrainOptions drain = new DrainOptions();

    @Mixin
    AdminCommands commands = new AdminCommands();

    @Override
    public Integer call() throws InterruptedException {
        if (config == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--config=FILE'");
        }
        Duration drainTimeout = drain.drainTimeout(spec);
        EdgeConfig edgeConfig = EdgeConfig.load(new NamedFile("--config", config).requireReadable());
        commands.check(admin);
        LifecycleReadiness lifecycle = new LifecycleReadiness();
        Optional<AdminListener> listener = admin.start(lifecycle);
        EdgeServer edge = EdgeServer.start(edgeConfig, admin.registry());
        Path reloadable = config;
        ConfigReload reload = new ConfigReload(() -> List.of(edge.reload(reloadable)));
        commands.take(listener, Map.of(AdministratorSignOut.PATH, edge.signOutCommand(), ConfigReload.PATH, reload));
        lifecycle.started();
        HangupSignal.onHangup(reload);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            lifecycle.draining();
                            edge.drainAndClose(drainTimeout);
                            listener.ifPresent(AdminListener::close);
                        },
                        "edge-drain"));
        edge.closeFuture().await();
        return 0;
    }
}
