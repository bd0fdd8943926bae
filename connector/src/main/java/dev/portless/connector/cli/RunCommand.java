package dev.portless.connector.cli;

import dev.portless.common.admin.AdminListener;
import dev.portless.common.env.Environment;
import dev.portless.common.env.NamedFile;
import dev.portless.common.files.OwnerOnlyFiles;
import dev.portless.connector.reload.ConfigReload;
import dev.portless.connector.run.ConnectorConfig;
import dev.portless.connector.run.ConnectorRunner;
import dev.portless.connector.run.EdgeProbe;
import dev.portless.connector.run.check.ExitStatus;
import dev.portless.connector.run.check.StartupReport;
import dev.portless.connector.tunnel.TunnelCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
 * {@code connector run}: checks every edge, then dials the edges and serves streams until stopped;
 * SIGTERM drains.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run the private-side connector: dial out to the edge and serve streams by ingress rules.",
            "",
            "Before it settles it checks DNS, TCP, TLS and the tunnel credentials against every edge and prints"
                    + " a PASS/FAIL table with a remedy for each failure.",
            "Exit codes: 0 stopped, 1 runtime failure, 2 usage, 75 no edge reachable (retry later),"
                    + " 77 credentials refused, 78 configuration error (neither is helped by a retry)."
        })
final class RunCommand implements Callable<Integer> {
    /** Environment variable that carries a tunnel token instead of a credentials file. */
    static final String TOKEN_ENV = "PORTLESS_TUNNEL_TOKEN";

    /** The largest token file read; a token is a few hundred bytes. */
    private static final int MAX_TOKEN_FILE_BYTES = 16 * 1024;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "connector.yml")
    Path config;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "A file (0600, owned by this user) holding the tunnel token; wins over " + TOKEN_ENV
                    + " and credentials-file.")
    Path tokenFile;

    @Mixin
    AdminOptions admin = new AdminOptions();

    @Mixin
    AdminCommands commands = new AdminCommands();

    @Override
    public Integer call() throws InterruptedException {
        ConnectorConfig cfg = ConnectorConfig.load(new NamedFile("--config", config).requireReadable());
        TunnelCredentials credentials = credentials(cfg, Optional.ofNullable(tokenFile));
        commands.check(admin);
        StartupReport report = new EdgeProbe(cfg, credentials).check();
        spec.commandLine().getErr().print(report.table());
        spec.commandLine().getErr().flush();
        Optional<ExitStatus> refusal = report.refusal();
        if (refusal.isPresent()) {
            spec.commandLine()
                    .getErr()
                    .println("connector: start-up check failed (exit "
                            + refusal.get().code() + ", "
                            + (refusal.get().retryMayHelp() ? "a retry may help" : "a retry cannot help") + ")");
            return refusal.get().code();
        }
        ConnectorRunner runner = ConnectorRunner.start(cfg, credentials, admin.registry());
        Optional<AdminListener> listener = admin.start(runner.readiness());
        Path reloadable = config;
        ConfigReload reload = new ConfigReload(() -> List.of(runner.reload(reloadable)));
        commands.take(listener, Map.of(ConfigReload.PATH, reload));
        HangupSignal.onHangup(reload);
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
        return ExitStatus.OK.code();
    }

    static TunnelCredentials credentials(ConnectorConfig cfg) {
        return credentials(cfg, Optional.empty());
    }

    /** Returns the credentials of {@code --token-file}, else of the token variable, else of the credentials file. */
    static TunnelCredentials credentials(ConnectorConfig cfg, Optional<Path> tokenFile) {
        if (tokenFile.isPresent()) {
            return TunnelCredentials.fromToken(readToken(tokenFile.get()));
        }
        Optional<String> token = Environment.variable(TOKEN_ENV);
        if (token.isPresent() && !token.get().isBlank()) {
            return TunnelCredentials.fromToken(token.get().trim());
        }
        Path file = cfg.credentialsFile()
                .orElseThrow(() -> new IllegalArgumentException(
                        "no tunnel credentials: set credentials-file in the connector config, --token-file or the "
                                + TOKEN_ENV + " environment variable"));
        return TunnelCredentials.read(file);
    }

    private static String readToken(Path file) {
        try {
            String token =
                    new String(OwnerOnlyFiles.readPrivate(file, MAX_TOKEN_FILE_BYTES), StandardCharsets.UTF_8).trim();
            if (token.isEmpty()) {
                throw new IllegalArgumentException("--token-file=" + file
                        + ": the file is empty; write the token of `connector tunnel token` into it");
            }
            return token;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(
                    "--token-file=" + file + ": cannot read the file: No such file or directory");
        } catch (IOException e) {
            throw new IllegalArgumentException("--token-file=" + file + ": " + e.getMessage());
        }
    }
}
