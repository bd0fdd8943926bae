package dev.portless.access.cli;

import dev.portless.access.edge.AccessException;
import dev.portless.access.login.EdgeTrust;
import dev.portless.access.ssh.ShortLivedCertificates;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Returns {@code access ssh-gen --hostname H}: makes or reuses the app's Ed25519 key in the token cache
 * directory and fetches a short-lived certificate for it when missing or expiring within a minute,
 * signing in first if needed. Prints the key path on stdout.
 */
@Command(
        name = "ssh-gen",
        mixinStandardHelpOptions = true,
        description = {
            "Make or reuse an SSH key for the app and get a short-lived certificate for it from the edge",
            "(signing in first if needed); prints the key path. `access ssh-config --short-lived-cert` runs it."
        })
final class SshGenCommand implements Callable<Integer> {
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

    @Mixin
    EdgeLocation location = new EdgeLocation();

    @Mixin
    LoginOptions login = new LoginOptions();

    @Override
    public Integer call() throws AccessException, InterruptedException {
        String app = AppName.parse(hostname);
        ShortLivedCertificates keys =
                new ShortLivedCertificates(LoginOptions.cache(parent.env()).directory(), Clock.systemUTC());
        Path key = keys.ensure(
                login.signIn(location, app, parent.env(), spec.commandLine().getErr()),
                URI.create(location.endpoint(app, parent.env()).toString()),
                EdgeTrust.sslContext(location.ca(parent.env())),
                location.connectTimeout());
        spec.commandLine().getOut().println(key);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
