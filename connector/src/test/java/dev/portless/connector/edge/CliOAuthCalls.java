package dev.portless.connector.edge;

import static dev.portless.connector.edge.HttpBrowser.csrf;
import static dev.portless.connector.edge.HttpBrowser.enc;
import static dev.portless.connector.edge.HttpBrowser.location;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** The requests the {@code access} CLI sends to the edge's authorization server, as a test makes them. */
final class CliOAuthCalls {
    static final String CALLBACK = "http://127.0.0.1:43123/callback";

    private CliOAuthCalls() {}

    /** Returns the authorization code {@code browser}'s session gets for {@code app}. */
    static String code(HttpBrowser browser, String app, Pkce p) {
        String loc = location(browser.get(authorize(app, "s", p.challenge, CALLBACK)))
                .orElseThrow();
        return new QueryStringDecoder(loc).parameters().get("code").get(0);
    }

    static String authorize(String app, String state, String challenge, String redirect) {
        return "/oauth/authorize?response_type=code&client_id=portless-access&redirect_uri=" + enc(redirect) + "&state="
                + state + "&code_challenge=" + challenge + "&code_challenge_method=S256&app=" + app;
    }

    static HttpResponse<String> exchange(InProcessStack stack, String code, String verifier, String redirect) {
        Map<String, String> form = new LinkedHashMap<>(Map.of(
                "grant_type",
                "authorization_code",
                "code",
                code,
                "redirect_uri",
                redirect,
                "client_id",
                "portless-access"));
        if (verifier != null) {
            form.put("code_verifier", verifier);
        }
        return stack.post("/oauth/token", form);
    }

    /** Returns the access token of a token response that must have succeeded. */
    static String accessToken(HttpResponse<String> response) throws ParseException {
        assertEquals(200, response.statusCode(), response.body());
        return (String) JSONObjectUtils.parse(response.body()).get("access_token");
    }

    static Map<String, Object> deviceAuthorization(InProcessStack stack, String app) throws ParseException {
        HttpResponse<String> r = stack.post(
                "/oauth/device_authorization",
                Map.of("client_id", "portless-access", "app", app),
                "User-Agent",
                "portless-test-cli/1.0");
        assertEquals(200, r.statusCode(), r.body());
        return JSONObjectUtils.parse(r.body());
    }

    /** Approves the device sign-in of {@code userCode} in {@code browser}'s session. */
    static void approveDevice(HttpBrowser browser, String userCode) {
        HttpResponse<String> entry = browser.get("/device");
        HttpResponse<String> confirm = browser.post("/device", Map.of("csrf", csrf(entry), "user_code", userCode));
        HttpResponse<String> done = browser.post(
                "/device/approve", Map.of("csrf", csrf(confirm), "user_code", userCode, "decision", "allow"));
        assertTrue(done.body().contains("Signed in — return to your terminal"), done.body());
    }

    static HttpResponse<String> poll(InProcessStack stack, String deviceCode) {
        return stack.post(
                "/oauth/token",
                Map.of(
                        "grant_type",
                        "urn:ietf:params:oauth:grant-type:device_code",
                        "device_code",
                        deviceCode,
                        "client_id",
                        "portless-access"));
    }

    /** A PKCE verifier and its S256 challenge. */
    static final class Pkce {
        final String verifier;
        final String challenge;

        Pkce() {
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            try {
                challenge = Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(MessageDigest.getInstance("SHA-256")
                                .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
