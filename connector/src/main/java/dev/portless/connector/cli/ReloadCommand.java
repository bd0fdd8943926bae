package dev.portless.connector.cli;

import dev.portless.connector.reload.ConfigReload;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code connector reload}: has a running edge, connector or both read their configuration files again. */
@Command(
        name = "reload",
        mixinStandardHelpOptions = true,
        description = {
            "Have a running `connector edge`, `run` or `serve` read edge.yml / connector.yml again, as SIGHUP",
            "does, and print the outcome: what changed for new streams (open streams keep what they have), and",
            "the settings that change only at a restart. An invalid file changes nothing: the command prints its",
            "line-numbered error and exits 1, as it does when the program cannot be reached.",
            "The program must run with --admin and --admin-secret-file; run this on its host."
        })
final class ReloadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AdminTarget target = new AdminTarget();

    @Override
    public Integer call() throws InterruptedException {
        Optional<Map<String, String>> answer = target.post(
                "connector reload",
                "the program",
                ConfigReload.PATH,
                Map.of(),
                spec.commandLine().getErr());
        if (answer.isEmpty()) {
            return 1;
        }
        spec.commandLine().getOut().println(answer.get().getOrDefault("report", "Reloaded."));
        return 0;
    }
}
