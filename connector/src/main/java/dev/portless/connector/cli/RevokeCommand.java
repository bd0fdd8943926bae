package dev.portless.connector.cli;

import dev.portless.connector.edge.signout.AdministratorSignOut;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code connector revoke}: an administrator signs a person or a service token out, ending their live streams. */
@Command(
        name = "revoke",
        mixinStandardHelpOptions = true,
        description = {
            "Sign a person or a service token out of one app (--app) or of every app: the edge refuses the app",
            "tokens and browser sessions they obtained until now and ends their live streams, each with",
            "\"your session for APP ended: signed out by an administrator\". Every edge sharing the store",
            "follows within about a second. It is not a ban: they may sign in again at once (to keep someone",
            "out, change the app's policy; to retire a service token, remove it from edge.yml).",
            "The edge must run with --admin and --admin-secret-file; run this on the edge's host."
        })
final class RevokeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    Who who;

    @Option(names = "--app", paramLabel = "HOSTNAME", description = "sign out of this app only (default: every app)")
    String app;

    @Mixin
    AdminTarget target = new AdminTarget();

    /** Whom to sign out: exactly one. */
    static final class Who {
        @Option(
                names = "--user",
                required = true,
                paramLabel = "EMAIL",
                description = "a person, by e-mail address (or the identity provider's subject)")
        String user;

        @Option(
                names = "--service-token",
                required = true,
                paramLabel = "CLIENT_ID",
                description = "a service token, by client id")
        String serviceToken;
    }

    @Override
    public Integer call() throws InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        if (who.user != null) {
            body.put("user", who.user);
        } else {
            body.put("service_token", who.serviceToken);
        }
        if (app != null) {
            body.put("app", app);
        }
        Optional<Map<String, String>> taken = target.post(
                "connector revoke",
                "the edge",
                AdministratorSignOut.PATH,
                body,
                spec.commandLine().getErr());
        if (taken.isEmpty()) {
            return 1;
        }
        Map<String, String> answer = taken.get();
        String where = "*".equals(answer.get("app")) ? "every app" : answer.get("app");
        spec.commandLine()
                .getOut()
                .println("Signed " + answer.get("identity") + " out of " + where + " as of "
                        + answer.get("signed_out_at") + ": their live streams end now, at every edge sharing"
                        + " the store within about a second. They may sign in again.");
        return 0;
    }
}
