package dev.portless.connector.cli;

import dev.portless.common.admin.AdminAddress;
import dev.portless.common.json.FlatJson;
import dev.portless.common.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
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
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);

    @Spec
    CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    Who who;

    @Option(names = "--app", paramLabel = "HOSTNAME", description = "sign out of this app only (default: every app)")
    String app;

    @Option(
            names = "--admin",
            required = true,
            paramLabel = "HOST:PORT",
            description = "the edge's admin listener (its --admin)")
    String admin;

    @Option(
            names = "--admin-secret-file",
            required = true,
            paramLabel = "FILE",
            description = "the file the edge's --admin-secret-file names")
    Path secretFile;

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
    public Integer call() throws IOException, InterruptedException {
        InetSocketAddress address = AdminAddress.parse("--admin", admin, false);
        String secret = AdminSecretFile.read(secretFile);
        Map<String, Object> body = new LinkedHashMap<>();
        if (who.user != null) {
            body.put("user", who.user);
        } else {
            body.put("service_token", who.serviceToken);
        }
        if (app != null) {
            body.put("app", app);
        }
        URI uri = URI.create("http://" + address.getHostString() + ":" + address.getPort() + "/revoke");
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder()
                    .connectTimeout(CONNECT_TIMEOUT)
                    .build()
                    .send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(ANSWER_TIMEOUT)
                                    .header("Authorization", "Bearer " + secret)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            spec.commandLine()
                    .getErr()
                    .println("connector revoke: cannot reach the edge's admin listener at " + admin + ": " + e
                            + "; check the edge's --admin and that it runs");
            return 1;
        }
        Map<String, String> answer;
        try {
            answer = FlatJson.parse(response.body());
        } catch (IllegalArgumentException e) {
            spec.commandLine()
                    .getErr()
                    .println("connector revoke: the admin listener at " + admin + " answered HTTP "
                            + response.statusCode() + " without a JSON body; is it an edge with --admin-secret-file?");
            return 1;
        }
        if (response.statusCode() != 200) {
            String error = answer.getOrDefault("error", "HTTP " + response.statusCode());
            String hint = response.statusCode() == 404 && !answer.containsKey("error")
                    ? "; start the edge with --admin-secret-file to take admin commands"
                    : "";
            spec.commandLine().getErr().println("connector revoke: the edge refused: " + error + hint);
            return 1;
        }
        String where = "*".equals(answer.get("app")) ? "every app" : answer.get("app");
        spec.commandLine()
                .getOut()
                .println("Signed " + answer.get("identity") + " out of " + where + " as of "
                        + answer.get("signed_out_at") + ": their live streams end now, at every edge sharing"
                        + " the store within about a second. They may sign in again.");
        return 0;
    }
}
