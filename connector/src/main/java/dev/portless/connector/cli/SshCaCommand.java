package dev.portless.connector.cli;

import dev.portless.common.env.NamedFile;
import dev.portless.connector.edge.config.EdgeConfig;
import dev.portless.connector.edge.sshca.SshCertificateAuthority;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Returns {@code connector edge ssh-ca}: prints the SSH CA public key line, creating the key if missing. */
@Command(
        name = "ssh-ca",
        mixinStandardHelpOptions = true,
        description = {
            "Print the edge's SSH CA public key in TrustedUserCAKeys format (creating the key if missing).",
            "On each SSH server: save it as /etc/ssh/portless_ca.pub and add to sshd_config:",
            "  TrustedUserCAKeys /etc/ssh/portless_ca.pub"
        })
final class SshCaCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "edge.yml")
    Path config;

    @Override
    public Integer call() {
        EdgeConfig edge = EdgeConfig.load(new NamedFile("--config", config).requireReadable());
        System.out.println(
                SshCertificateAuthority.loadOrCreate(edge.sshCa().keyFile()).publicKeyLine());
        return 0;
    }
}
