package dev.portless.access.cli;

import dev.portless.access.edge.Credentials;
import dev.portless.access.edge.EdgeDialer;
import dev.portless.access.edge.FirstDialRetry;
import dev.portless.access.edge.StreamDialer;
import dev.portless.access.login.BrowserOpener;
import dev.portless.access.login.SignedInDialer;
import dev.portless.common.env.NamedFile;
import dev.portless.common.net.Transport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options every command that reaches an app shares: where the edge is, which CA to
 * trust for it, and the credentials: a service token when one is configured, else the user's own
 * sign-in. Secrets come from the environment or a file, never argv.
 */
final class EdgeOptions {
    static final String TOKEN_ID_ENV = "PORTLESS_SERVICE_TOKEN_ID";
    static final String TOKEN_SECRET_ENV = "PORTLESS_SERVICE_TOKEN_SECRET";
    static final String TOKEN_SECRET_FILE_ENV = "PORTLESS_SERVICE_TOKEN_SECRET_FILE";
    /** cloudflared's names, so existing scripts keep working. */
    static final String CF_TOKEN_ID_ENV = "TUNNEL_SERVICE_TOKEN_ID";

    static final String CF_TOKEN_SECRET_ENV = "TUNNEL_SERVICE_TOKEN_SECRET";

    @Mixin
    EdgeLocation location = new EdgeLocation();

    @Mixin
    LoginOptions login = new LoginOptions();

    @Option(
            names = {"--service-token-id", "--id"},
            paramLabel = "ID",
            description = "service token client id (env PORTLESS_SERVICE_TOKEN_ID); without one, you sign in"
                    + " through the browser")
    String serviceTokenId;

    @Option(
            names = "--service-token-secret-file",
            paramLabel = "FILE",
            description = "file holding the service token secret (env PORTLESS_SERVICE_TOKEN_SECRET_FILE,"
                    + " or the secret itself in PORTLESS_SERVICE_TOKEN_SECRET)")
    Path serviceTokenSecretFile;

    @Option(
            names = {"--service-token-secret", "--secret"},
            paramLabel = "SECRET",
            hidden = true)
    String secretInArgv;

    /**
     * Returns the dialer for {@code hostname}: with the service token when one is configured, else
     * with the user's app token, signing in on demand (on {@code blocking}, never an event loop).
     */
    StreamDialer dialer(String hostname, Transport transport, Map<String, String> env, PrintWriter err) {
        Optional<Credentials> serviceToken = serviceToken(env);
        EdgeDialer dialer = location.dialer(hostname, transport, env);
        if (serviceToken.isPresent()) {
            return FirstDialRetry.around(StreamDialer.withCredentials(dialer, serviceToken.get()));
        }
        return FirstDialRetry.around(
                new SignedInDialer(dialer, login.signIn(location, hostname, env, err), signInThreads(), err));
    }

    /**
     * Returns the agent's dialer for {@code hostname}: its edge connection from {@code dialers}, kept warm
     * between fronts, and a sign-in that speaks to the front's terminal ({@code err}, {@code browser}).
     */
    StreamDialer agentDialer(
            String hostname,
            Map<String, String> env,
            PrintWriter err,
            BrowserOpener browser,
            AgentDialers dialers,
            Executor signIns) {
        Optional<Credentials> serviceToken = serviceToken(env);
        EdgeDialer dialer = dialers.dialer(location, hostname, env);
        if (serviceToken.isPresent()) {
            return StreamDialer.withCredentials(dialer, serviceToken.get());
        }
        return new SignedInDialer(dialer, login.signIn(location, hostname, env, err, browser), signIns, err);
    }

    /** Returns the service token configured by flags or {@code env}, if any; the user signs in without one. */
    Optional<Credentials> serviceToken(Map<String, String> env) {
        if (secretInArgv != null) {
            throw new IllegalArgumentException("--service-token-secret would show the secret in the process list;"
                    + " set PORTLESS_SERVICE_TOKEN_SECRET or use --service-token-secret-file instead");
        }
        String id = serviceTokenId != null ? serviceTokenId : firstOf(env, TOKEN_ID_ENV, CF_TOKEN_ID_ENV);
        if (id == null || id.isBlank()) {
            if (serviceTokenSecretFile != null
                    || env.containsKey(TOKEN_SECRET_FILE_ENV)
                    || firstOf(env, TOKEN_SECRET_ENV, CF_TOKEN_SECRET_ENV) != null) {
                throw new IllegalArgumentException("a service token secret is set but no id: set " + TOKEN_ID_ENV
                        + " (or pass --service-token-id), or unset the secret to sign in through the browser");
            }
            return Optional.empty();
        }
        return Optional.of(Credentials.serviceToken(id.trim(), secret(env)));
    }

    private String secret(Map<String, String> env) {
        Optional<NamedFile> file = NamedFile.fromFlagOrVariable(
                "--service-token-secret-file", serviceTokenSecretFile, TOKEN_SECRET_FILE_ENV, env);
        if (file.isPresent()) {
            String s = file.get().readString().trim();
            if (s.isEmpty()) {
                throw file.get().failure("the file is empty (expected: the service token secret)");
            }
            return s;
        }
        String s = firstOf(env, TOKEN_SECRET_ENV, CF_TOKEN_SECRET_ENV);
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("the service token has no secret: set " + TOKEN_SECRET_ENV
                    + " or pass --service-token-secret-file");
        }
        return s.trim();
    }

    static Executor signInThreads() {
        // Daemons: a sign-in in progress must not keep the process alive after the command ends.
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "access-sign-in");
            t.setDaemon(true);
            return t;
        });
    }

    private static String firstOf(Map<String, String> env, String a, String b) {
        String v = env.get(a);
        return v != null ? v : env.get(b);
    }
}
