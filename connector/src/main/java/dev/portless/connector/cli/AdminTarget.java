package dev.portless.connector.cli;

import dev.portless.common.admin.AdminAddress;
import dev.portless.common.json.FlatJson;
import dev.portless.common.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The program an admin command ({@code connector revoke}, {@code connector reload}) is sent to: its admin
 * listener on this host and the file holding its admin secret; and the sending, whose every failure is one
 * sentence on standard error.
 */
final class AdminTarget {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    // A reload reads files and builds TLS contexts; a sign-out writes to the store.
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    @Option(
            names = "--admin",
            required = true,
            paramLabel = "HOST:PORT",
            description = "the program's admin listener (its --admin)")
    String admin;

    @Option(
            names = "--admin-secret-file",
            required = true,
            paramLabel = "FILE",
            description = "the file the program's --admin-secret-file names")
    Path secretFile;

    /**
     * Posts {@code body} to {@code path} and returns the members of the answer when the program took the command;
     * otherwise prints, as {@code command}, why it did not (unreachable, refused with its sentence, not a
     * program that takes the command), and returns empty.
     *
     * @param command how the command names itself in its errors: "connector reload"
     * @param program whom the command is sent to, in its errors: "the edge"
     */
    Optional<Map<String, String>> post(
            String command, String program, String path, Map<String, Object> body, PrintWriter err)
            throws InterruptedException {
        InetSocketAddress address = AdminAddress.parse("--admin", admin, false);
        String secret = AdminSecretFile.read(secretFile);
        URI uri = URI.create("http://" + address.getHostString() + ":" + address.getPort() + path);
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
            // The HTTP client's connect failure has no message of its own.
            String why = e instanceof ConnectException
                    ? "connection refused"
                    : Objects.toString(e.getMessage(), e.getClass().getSimpleName());
            err.println(command + ": cannot reach " + program + "'s admin listener at " + admin + ": " + why
                    + "; check " + program + "'s --admin and that it runs");
            return Optional.empty();
        }
        Map<String, String> answer;
        try {
            answer = FlatJson.parse(response.body());
        } catch (IllegalArgumentException e) {
            err.println(command + ": the admin listener at " + admin + " answered HTTP " + response.statusCode()
                    + " without a JSON body; is it " + program + " with --admin-secret-file?");
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            String error = answer.getOrDefault("error", "HTTP " + response.statusCode());
            String hint = response.statusCode() == 404 && !answer.containsKey("error")
                    ? "; start " + program + " with --admin-secret-file to take admin commands"
                    : "";
            err.println(command + ": " + program + " refused: " + error + hint);
            return Optional.empty();
        }
        return Optional.of(answer);
    }
}
