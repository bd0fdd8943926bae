package dev.portless.access.cli;

import dev.portless.access.ssh.ShortLivedCertificates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code access ssh-config --hostname H [--short-lived-cert]}: an ssh_config block that reaches the
 * app through {@code access ssh}, and with short-lived certificates, gets a fresh certificate before each
 * connection ({@code Match ... exec "access ssh-gen ..."}), as cloudflared does.
 */
@Command(
        name = "ssh-config",
        mixinStandardHelpOptions = true,
        description = {
            "Print an ssh_config block for the app; append it to ~/.ssh/config:",
            "  access ssh-config --hostname ssh.example.com --short-lived-cert >> ~/.ssh/config"
        })
final class SshConfigCommand implements Callable<Integer> {
    /** The launcher named in the block; scripts/access sets it to its own absolute path. */
    static final String LAUNCHER_ENV = "PORTLESS_LAUNCHER";

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:@%+=,-]+");

    @Spec
    CommandSpec spec;

    @ParentCommand
    AccessCommand parent;

    @Option(
            names = {"--hostname", "-H"},
            required = true,
            paramLabel = "HOSTNAME",
            description = "the app's hostname")
    String hostname;

    @Option(
            names = "--short-lived-cert",
            description =
                    "log in with a short-lived certificate the edge signs (needs TrustedUserCAKeys on the server)")
    boolean shortLivedCert;

    @Option(names = "--edge", paramLabel = "URL", description = "the edge, passed on to the commands in the block")
    String edge;

    @Option(names = "--edge-ca", paramLabel = "FILE", description = "PEM CA for the edge, passed on to the commands")
    Path edgeCa;

    @Override
    public Integer call() {
        String app = AppName.parse(hostname);
        String launcher = parent.env().getOrDefault(LAUNCHER_ENV, "access");
        if (launcher.isBlank()) {
            launcher = "access";
        }
        List<String> options = new ArrayList<>();
        if (edge != null) {
            options.add("--edge " + quote(edge));
        }
        if (edgeCa != null) {
            options.add("--edge-ca " + quote(edgeCa.toAbsolutePath().toString()));
        }
        String extra = options.isEmpty() ? "" : " " + String.join(" ", options);
        StringBuilder out = new StringBuilder();
        if (shortLivedCert) {
            Path key = new ShortLivedCertificates(
                            LoginOptions.cache(parent.env()).directory(), java.time.Clock.systemUTC())
                    .keyFile(app);
            // ssh runs the exec command through the shell; the launcher is single-quoted inside it when needed.
            out.append("Match host ")
                    .append(app)
                    .append(" exec \"")
                    .append(quote(launcher))
                    .append(" ssh-gen --hostname %h")
                    .append(extra)
                    .append("\"\n")
                    .append("  IdentityFile ")
                    .append(configPath(key))
                    .append('\n')
                    .append("  CertificateFile ")
                    .append(configPath(ShortLivedCertificates.certificateFile(key)))
                    .append("\n\n");
        }
        out.append("Host ")
                .append(app)
                .append('\n')
                .append("  ProxyCommand \"")
                .append(launcher.replace("\"", "\\\""))
                .append("\" ssh --hostname %h")
                .append(extra)
                .append('\n');
        spec.commandLine().getOut().print(out);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** Returns {@code s} single-quoted for the shell when it holds anything but plain characters. */
    private static String quote(String s) {
        return PLAIN.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    /** Returns a path for ssh_config, double-quoted when it holds spaces. */
    private static String configPath(Path p) {
        String s = p.toAbsolutePath().toString();
        return s.contains(" ") ? "\"" + s + "\"" : s;
    }
}
