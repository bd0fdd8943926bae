package dev.portless.connector.cli;

import dev.portless.connector.edge.EdgeServer;
import dev.portless.connector.edge.config.EdgeConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Returns {@code connector edge}: runs the public edge until stopped. */
@Command(name = "edge", mixinStandardHelpOptions = true,
        description = "Run the public edge: TLS listener for clients, tunnel listener for connectors.")
final class EdgeCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "edge.yml")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        EdgeServer edge = EdgeServer.start(EdgeConfig.load(config));
        Runtime.getRuntime().addShutdownHook(new Thread(edge::close, "edge-shutdown"));
        edge.closeFuture().await();
        return 0;
    }
}
