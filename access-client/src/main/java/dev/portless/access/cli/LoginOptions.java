package dev.portless.access.cli;

import dev.portless.access.limits.AccessLimits;
import dev.portless.access.login.AppSignIn;
import dev.portless.access.login.BrowserOpener;
import dev.portless.access.login.SignInFlow;
import dev.portless.access.login.SignInSettings;
import dev.portless.access.login.SystemBrowser;
import dev.portless.access.token.ConfigDirectory;
import dev.portless.access.token.TokenCache;
import dev.portless.common.config.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options of a browser sign-in, for {@code access login} and for the commands that
 * sign in on demand.
 */
final class LoginOptions {
    @Option(
            names = "--device",
            description = "sign in with a code on another device (automatic over SSH and without a display)")
    boolean device;

    @Option(
            names = {"--timeout", "--login-timeout"},
            paramLabel = "DURATION",
            defaultValue = AccessLimits.SIGN_IN_TIMEOUT,
            description = "how long to wait for the sign-in, e.g. 90s, 5m (default: ${DEFAULT-VALUE})")
    String timeout;

    AppSignIn signIn(EdgeLocation location, String app, Map<String, String> env, PrintWriter err) {
        return signIn(location, app, env, err, new SystemBrowser(env, System.getProperty("os.name", "")));
    }

    /** Returns the sign-in that shows its page with {@code browser}: the agent's opens the front's browser. */
    AppSignIn signIn(
            EdgeLocation location, String app, Map<String, String> env, PrintWriter err, BrowserOpener browser) {
        Duration wait;
        try {
            wait = Durations.parse(timeout);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--timeout: " + e.getMessage());
        }
        if (wait.isZero()) {
            throw new IllegalArgumentException("--timeout: " + timeout + " (expected: more than 0)");
        }
        String os = System.getProperty("os.name", "");
        SignInSettings settings = new SignInSettings(
                location.endpoint(app, env),
                app,
                location.ca(env),
                location.connectTimeout(),
                wait,
                SignInFlow.choose(device, env, os));
        return new AppSignIn(settings, cache(env), browser, err);
    }

    static TokenCache cache(Map<String, String> env) {
        return TokenCache.in(ConfigDirectory.resolve(env));
    }
}
