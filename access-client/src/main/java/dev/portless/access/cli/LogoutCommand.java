package dev.portless.access.cli;

import dev.portless.access.edge.EdgeEndpoint;
import dev.portless.access.token.CachedToken;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code access logout [APP]}: forget the tokens of one app, or of all. */
@Command(
        name = "logout",
        mixinStandardHelpOptions = true,
        description = "Forget the saved sign-in of an app, or of every app when none is named.")
final class LogoutCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    AccessCommand parent;

    @Parameters(index = "0", arity = "0..1", paramLabel = "APP", description = "the app's hostname (default: all)")
    String app;

    @Mixin
    EdgeLocation location = new EdgeLocation();

    @Override
    public Integer call() throws IOException {
        String hostname = app == null ? null : AppName.parse(app);
        // With --edge or PORTLESS_EDGE, only that edge's tokens; otherwise the app's tokens at any edge.
        Optional<String> edge = location.explicitEndpoint(parent.env()).map(EdgeEndpoint::toString);
        List<CachedToken> removed = LoginOptions.cache(parent.env())
                .removeAll(t -> (hostname == null || t.app().equals(hostname))
                        && edge.map(e -> t.edge().equals(e)).orElse(true));
        PrintWriter err = spec.commandLine().getErr();
        if (removed.isEmpty()) {
            err.println("access: No saved sign-in" + (hostname == null ? "" : " to " + hostname)
                    + edge.map(e -> " at " + e).orElse("") + ".");
        }
        for (CachedToken t : removed) {
            err.println("access: Signed out of " + t.app() + " at " + t.edge() + ".");
        }
        return 0;
    }
}
