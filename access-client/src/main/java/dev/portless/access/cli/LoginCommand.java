package dev.portless.access.cli;

import dev.portless.access.edge.AccessException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code access login APP}: sign in through the browser (or a device code) and cache the token. */
@Command(
        name = "login",
        mixinStandardHelpOptions = true,
        description = {
            "Sign in to an app through your browser and keep its token for the other commands.",
            "Over SSH or without a display it shows a code to enter on another device instead."
        })
final class LoginCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    AccessCommand parent;

    @Parameters(index = "0", paramLabel = "APP", description = "the app's hostname, e.g. db.example.com")
    String app;

    @Mixin
    EdgeLocation location = new EdgeLocation();

    @Mixin
    LoginOptions login = new LoginOptions();

    @Override
    public Integer call() throws AccessException, InterruptedException {
        login.signIn(
                        location,
                        AppName.parse(app),
                        parent.env(),
                        spec.commandLine().getErr())
                .signIn();
        return 0;
    }
}
