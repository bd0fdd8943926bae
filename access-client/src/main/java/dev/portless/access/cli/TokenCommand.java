package dev.portless.access.cli;

import dev.portless.access.edge.AccessException;
import dev.portless.access.token.CachedToken;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Returns {@code access token APP}: the cached app token on stdout, and nothing else. */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = {
            "Print the app's token from the last sign-in, for scripts:",
            "  curl -H \"Authorization: Bearer $(access token db.example.com)\" ..."
        })
final class TokenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    AccessCommand parent;

    @Parameters(index = "0", paramLabel = "APP", description = "the app's hostname")
    String app;

    @Mixin
    EdgeLocation location = new EdgeLocation();

    @Override
    public Integer call() throws AccessException {
        String hostname = AppName.parse(app);
        String edge = location.endpoint(hostname, parent.env()).toString();
        Optional<CachedToken> token =
                LoginOptions.cache(parent.env()).find(edge, hostname).filter(t -> t.isFresh(Instant.now()));
        if (token.isEmpty()) {
            throw new AccessException(
                    "No valid sign-in to " + hostname + " at " + edge + "; run `access login " + hostname + "` first.");
        }
        spec.commandLine().getOut().println(token.get().token());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
