package dev.portless.connector.cli;

import dev.portless.common.admin.AdminListener;
import dev.portless.common.env.Environment;
import dev.portless.common.env.NamedFile;
import dev.portless.connector.run.ConnectorConfig;
import dev.portless.connector.run.ConnectorRunner;
import dev.portless.connector.tunnel.TunnelCredentials;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code connector run}: dials the edges and serves streams until stopped; SIGTERM drains. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run the private-side connector: dial out to the edge and serve streams by ingress rules.")
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    /** Environment variable that carries a tunnel token instead of a credentials file. */
    static final String TOKEN_ENV = "PORTLESS_TUNNEL_TOKEN";

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "connector.yml")
    Path config;

    @Mixin
    AdminOptions admin = new AdminOptions();

    @Override
    public Integer call() throws InterruptedException {
        ConnectorConfig cfg = ConnectorConfig.load(new NamedFile("--config", config).requireReadable());
        ConnectorRunner runner = ConnectorRunner.start(cfg, credentials(cfg), admin.registry());
        Optional<AdminListener> listener = admin.start(runner.readiness());
        HangupSignal.onHangup(() -> reload(config, runner));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            runner.drainAndClose(runner.gracePeriod());
                            listener.ifPresent(AdminListener::close);
                            stopped.countDown();
                        },
                        "connector-drain"));
        stopped.await();
        return 0;
    }

    /**
     * Reads {@code file} again and hands its ingress rules to {@code runner}; an invalid file
     * changes nothing, and its first mistake is logged with its line.
     */
    static void reload(Path file, ConnectorRunner runner) {
        ConnectorConfig fresh;
        try {
            fresh = ConnectorConfig.load(file);
        } catch (RuntimeException e) {
            log.error("Reload refused, the running configuration stays: {}", e.getMessage());
            return;
        }
        runner.reload(fresh);
    }

    static TunnelCredentials credentials(ConnectorConfig cfg) {
        Optional<String> token = Environment.variable(TOKEN_ENV);
        if (token.isPresent() && !token.get().isBlank()) {
            return TunnelCredentials.fromToken(token.get().trim());
        }
        Path file = cfg.credentialsFile()
                .orElseThrow(() -> new IllegalArgumentException(
                        "no tunnel credentials: set credentials-file in the connector config or the " + TOKEN_ENV
                                + " environment variable"));
        return TunnelCredentials.read(file);
    }
}
