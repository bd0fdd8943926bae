package dev.portless.connector.cli;

import dev.portless.common.config.HostPort;
import dev.portless.connector.diag.BundleRequest;
import dev.portless.connector.diag.SupportBundle;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code connector diag}: writes a support bundle to send with a problem report. */
@Command(
        name = "diag",
        mixinStandardHelpOptions = true,
        description = {
            "Write a support bundle: a zip file only its owner may read, with the settings (secrets replaced by"
                    + " [redacted]), the end of the log, the admin listener's metrics and readiness, a thread dump"
                    + " of a running program (jcmd) and the versions.",
            "Check the bundle before sending it: redaction replaces the values of secret-named keys and anything"
                    + " that looks like a token, not every private detail."
        })
final class DiagCommand implements Callable<Integer> {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "A settings file to include (connector.yml, edge.yml); repeatable.")
    List<Path> configs = List.of();

    @Option(
            names = "--log-file",
            paramLabel = "FILE",
            description = "The program's log file; its last MiB is included.")
    Path logFile;

    @Option(
            names = "--admin",
            paramLabel = "HOST:PORT",
            description = "The program's admin listener; /metrics and /ready are included.")
    String admin;

    @Option(names = "--pid", paramLabel = "PID", description = "The running program whose threads jcmd dumps.")
    Long pid;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Where to write the bundle (default: portless-diag-<UTC time>.zip here); never overwritten.")
    Path output;

    @Override
    public Integer call() throws IOException {
        Optional<InetSocketAddress> adminAddress = Optional.ofNullable(admin).map(text -> {
            HostPort hostPort = HostPort.parse(text);
            return InetSocketAddress.createUnresolved(hostPort.host(), hostPort.port());
        });
        Path target = output != null ? output : Path.of("portless-diag-" + STAMP.format(Instant.now()) + ".zip");
        BundleRequest request = new BundleRequest(
                configs,
                Optional.ofNullable(logFile),
                adminAddress,
                Optional.ofNullable(pid),
                new VersionProvider().getVersion()[0]);
        try {
            List<String> entries = new SupportBundle(request).writeTo(target);
            spec.commandLine().getOut().println(target);
            spec.commandLine().getErr().println("connector: wrote " + target + " (" + String.join(", ", entries) + ")");
            return 0;
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException(
                    "--output=" + target + ": the file exists; name another file or remove it");
        }
    }
}
