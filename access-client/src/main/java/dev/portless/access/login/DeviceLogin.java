package dev.portless.access.login;

import dev.portless.access.edge.AccessException;
import dev.portless.common.config.Durations;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The device sign-in (RFC 8628): ask the edge for a code, show it, and poll the token
 * endpoint at the edge's pace until the user finishes, refuses, or the code expires.
 */
final class DeviceLogin {
    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";
    /** RFC 8628 section 3.5: on slow_down the interval grows by 5 seconds, for good. */
    private static final Duration SLOW_DOWN = Duration.ofSeconds(5);

    private DeviceLogin() {}

    static TokenResponse run(
            OAuthClient client,
            AuthorizationServer server,
            String app,
            Duration timeout,
            PrintWriter err,
            Clock clock,
            Sleeper sleeper)
            throws AccessException, InterruptedException {
        DeviceAuthorization device;
        try {
            device = client.startDevice(server, app);
        } catch (OAuthError e) {
            throw new AccessException(SignInErrors.sentence(e.code(), e.description(), app));
        }
        err.println("access: To sign in, open " + device.verificationUri() + " and enter " + device.userCode());
        device.verificationUriComplete().ifPresent(u -> err.println("access: (or open " + u + ")"));
        Instant start = clock.instant();
        Instant codeExpires = start.plus(device.expiresIn());
        Instant giveUp = start.plus(timeout);
        err.println("access: Waiting for the sign-in (the code is valid for " + Durations.format(device.expiresIn())
                + "; Ctrl-C to cancel)...");

        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", GRANT_TYPE);
        form.put("device_code", device.deviceCode());
        Duration interval = device.interval();
        while (true) {
            Instant next = clock.instant().plus(interval);
            if (!next.isBefore(codeExpires)) {
                throw new AccessException(SignInErrors.sentence("expired_token", null, app));
            }
            if (next.isAfter(giveUp)) {
                throw new AccessException("Timed out after " + Durations.format(timeout) + " waiting for the sign-in"
                        + " with the code " + device.userCode() + "; run `access login " + app + "` again.");
            }
            sleeper.sleep(interval);
            try {
                return client.token(server, form);
            } catch (OAuthError e) {
                switch (e.code()) {
                    case "authorization_pending" -> {
                        // The user has not finished yet: poll again at the same pace.
                    }
                    case "slow_down" -> interval = interval.plus(SLOW_DOWN);
                    default -> throw new AccessException(SignInErrors.sentence(e.code(), e.description(), app));
                }
            }
        }
    }
}
