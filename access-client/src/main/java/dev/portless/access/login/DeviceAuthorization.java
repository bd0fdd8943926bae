package dev.portless.access.login;

import dev.portless.common.json.Json;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The device authorization endpoint's answer (RFC 8628 section 3.2).
 *
 * @param deviceCode              the code the CLI polls with; never logged
 * @param userCode                the code the user types on the verification page
 * @param verificationUri         the page where the user types it
 * @param verificationUriComplete the page with the code filled in, if the edge offers one
 * @param expiresIn               how long both codes are valid
 * @param interval                how long to wait between polls
 */
record DeviceAuthorization(
        String deviceCode,
        String userCode,
        URI verificationUri,
        Optional<URI> verificationUriComplete,
        Duration expiresIn,
        Duration interval) {
    /** RFC 8628: "If no value is provided, clients MUST use 5 as the default." */
    private static final long DEFAULT_INTERVAL_SECONDS = 5;

    static DeviceAuthorization parse(String json) throws ParseException {
        Map<String, Object> m = Json.readObject(json);
        String deviceCode = Json.string(m, "device_code");
        String userCode = Json.string(m, "user_code");
        URI verificationUri = Json.uri(m, "verification_uri");
        if (deviceCode == null || userCode == null || verificationUri == null) {
            throw new ParseException("device_code, user_code or verification_uri is missing", 0);
        }
        Object expiresIn = m.get("expires_in");
        if (!(expiresIn instanceof Number e) || e.longValue() <= 0) {
            throw new ParseException("expires_in is missing or not a positive number", 0);
        }
        Object interval = m.get("interval");
        long intervalSeconds =
                interval instanceof Number i && i.longValue() > 0 ? i.longValue() : DEFAULT_INTERVAL_SECONDS;
        return new DeviceAuthorization(
                deviceCode,
                userCode,
                verificationUri,
                Optional.ofNullable(Json.uri(m, "verification_uri_complete")),
                Duration.ofSeconds(e.longValue()),
                Duration.ofSeconds(intervalSeconds));
    }

    @Override
    public String toString() {
        return "DeviceAuthorization[userCode=" + userCode + ", verificationUri=" + verificationUri + "]";
    }
}
