package dev.portless.connector.cli;

import dev.portless.common.env.Environment;
import dev.portless.common.env.NamedFile;
import dev.portless.connector.run.ConnectorConfig;
import dev.portless.connector.run.ConnectorRunner;
import dev.portless.connector.tunnel.TunnelCredentials;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code connector run}: dials the edges and serves streams until stopped; SIGTERM drains. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run the private-side connector: dial out to the edge and serve streams by ingress rules.")
final class RunCommand implements Callable<Integer> {
    /** Environment variable that carries a tunnel token instead of a credentials file. */
    static final String TOKEN_ENV = "PORTLESS_TUNNEL_TOKEN";

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "connector.yml")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        ConnectorConfig cfg = ConnectorConfig.load(new NamedFile("--config", config).requireReadable());
        ConnectorRunner runner = ConnectorRunner.start(cfg, credentials(cfg));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            runner.drainAndClose(runner.gracePeriod());
                            stopped.countDown();
                        },
                        "connector-drain"));
        stopped.await();
        return 0;
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
