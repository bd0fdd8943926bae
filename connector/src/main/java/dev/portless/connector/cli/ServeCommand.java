package dev.portless.connector.cli;

import dev.portless.common.admin.AdminListener;
import dev.portless.common.env.Environment;
import dev.portless.common.env.NamedFile;
import dev.portless.common.net.Transport;
import dev.portless.connector.demo.DemoSetup;
import dev.portless.connector.demo.DemoSetup.DemoFiles;
import dev.portless.connector.demo.EchoTarget;
import dev.portless.connector.edge.EdgeServer;
import dev.portless.connector.edge.config.EdgeConfig;
import dev.portless.connector.edge.signout.AdministratorSignOut;
import dev.portless.connector.reload.ConfigReload;
import dev.portless.connector.run.ConnectorConfig;
import dev.portless.connector.run.ConnectorRunner;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Returns {@code connector serve}: the edge and a connector in one process. Without configs it runs
 * the embedded default: a demo with generated TLS, credentials and a loopback echo target.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Run the edge and a connector in one process.",
            "Without --edge-config/--config: the embedded demo (generated TLS, credentials, echo target)."
        })
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AdminOptions admin = new AdminOptions();

    @Mixin
    DrainOptions drain = new DrainOptions();

    @Mixin
    AdminCommands commands = new AdminCommands();

    @Option(names = "--edge-config", paramLabel = "FILE", description = "edge.yml")
    Path edgeConfig;

    @Option(names = "--config", paramLabel = "FILE", description = "connector.yml")
    Path connectorConfig;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description = "where the demo keeps its files (default: $PORTLESS_HOME/demo or ~/.portless/demo)")
    Path stateDir;

    @Option(
            names = "--port",
            defaultValue = "8443",
            description = "demo: the edge's client port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(
            names = "--tunnel-port",
            defaultValue = "7844",
            description = "demo: the edge's tunnel port (default: ${DEFAULT-VALUE})")
    int tunnelPort;

    @Override
    public Integer call() throws InterruptedException, IOException {
        if ((edgeConfig == null) != (connectorConfig == null)) {
            throw new IllegalArgumentException("give both --edge-config and --config, or neither for the demo");
        }
        Duration drainTimeout = drain.drainTimeout(spec);
        EchoTarget echo = null;
        EventLoopGroup echoGroup = null;
        Path edgeFile = edgeConfig == null ? null : new NamedFile("--edge-config", edgeConfig).requireReadable();
        Path connectorFile =
                connectorConfig == null ? null : new NamedFile("--config", connectorConfig).requireReadable();
        DemoFiles demo = null;
        if (edgeFile == null) {
            Transport transport = Transport.best();
            echoGroup = transport.newGroup(1, "demo-echo");
            echo = EchoTarget.start(echoGroup, transport);
            demo = DemoSetup.prepare(demoDir(), port, tunnelPort, echo.port());
            edgeFile = demo.edgeConfig();
            connectorFile = demo.connectorConfig();
        }
        ConnectorConfig cfg = ConnectorConfig.load(connectorFile);
        commands.check(admin);
        EdgeServer edge = EdgeServer.start(EdgeConfig.load(edgeFile), admin.registry());
        ConnectorRunner runner = ConnectorRunner.start(cfg, RunCommand.credentials(cfg), admin.registry());
        // One listener for both roles: ready when the connector has reached the edge.
        Optional<AdminListener> listener = admin.start(runner.readiness());
        Path reloadable = connectorFile;
        Path edgeReloadable = edgeFile;
        ConfigReload reload = new ConfigReload(() -> List.of(edge.reload(edgeReloadable), runner.reload(reloadable)));
        commands.take(listener, Map.of(AdministratorSignOut.PATH, edge.signOutCommand(), ConfigReload.PATH, reload));
        HangupSignal.onHangup(reload);
        if (demo != null) {
            printDemo(demo, edge);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        EchoTarget echoToClose = echo;
        EventLoopGroup echoGroupToClose = echoGroup;
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            // The edge first: its clients' open streams finish through the connector,
                            // which must still be there to carry them.
                            edge.drainAndClose(drainTimeout);
                            runner.drainAndClose(runner.gracePeriod());
                            listener.ifPresent(AdminListener::close);
                            if (echoToClose != null) {
                                echoToClose.close();
                                echoGroupToClose.shutdownGracefully();
                            }
                            stopped.countDown();
                        },
                        "serve-shutdown"));
        stopped.await();
        return 0;
    }

    private Path demoDir() {
        if (stateDir != null) {
            return stateDir;
        }
        return Environment.variable("PORTLESS_HOME")
                .filter(home -> !home.isBlank())
                .map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("user.home"), ".portless"))
                .resolve("demo");
    }

    private void printDemo(DemoFiles demo, EdgeServer edge) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                """
                Portless demo is running (Ctrl-C stops it).
                  edge:    https://127.0.0.1:%d  (tunnel listener :%d)
                  configs: %s, %s
                  apps:    %s -> built-in echo service; %s -> 127.0.0.1:22
                Reach the echo app from another terminal:
                  export PORTLESS_EDGE=https://127.0.0.1:%d PORTLESS_EDGE_CA=%s
                  export PORTLESS_SERVICE_TOKEN_ID=%s
                  export PORTLESS_SERVICE_TOKEN_SECRET_FILE=%s
                  scripts/access tcp --hostname %s --url localhost:2222
                  then, e.g.: echo hello | nc -q 1 localhost 2222
                The edge's certificate names the apps: with "127.0.0.1 %s" in /etc/hosts,
                any client trusting the CA reaches https://%s:%d by name.
                """,
                edge.accessAddress().getPort(),
                edge.tunnelAddress().getPort(),
                demo.edgeConfig(),
                demo.connectorConfig(),
                DemoSetup.ECHO_APP,
                DemoSetup.SSH_APP,
                edge.accessAddress().getPort(),
                demo.ca(),
                demo.readServiceTokenId(),
                demo.serviceTokenSecret(),
                DemoSetup.ECHO_APP,
                String.join(" ", DemoSetup.APPS),
                DemoSetup.ECHO_APP,
                edge.accessAddress().getPort());
        out.flush();
    }
}
