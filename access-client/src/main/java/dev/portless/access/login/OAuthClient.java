package dev.portless.access.login;

import static java.util.Objects.requireNonNull;

import dev.portless.access.edge.AccessException;
import dev.portless.access.edge.EdgeEndpoint;
import dev.portless.common.json.Json;
import dev.portless.common.wire.AppTokenClaims;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

/**
 * The CLI's side of the OAuth calls to the edge: metadata discovery, the token endpoint and
 * the device authorization endpoint, over the JDK's HTTP client (blocking: never call it on an
 * event loop). Codes, verifiers and tokens appear in no message it produces.
 */
final class OAuthClient {
    /** The client id the edge knows the CLI by. */
    static final String CLIENT_ID = AppTokenClaims.CLI_CLIENT_ID;

    private final EdgeEndpoint edge;
    private final HttpClient http;
    private final Duration connectTimeout;
    private final Duration requestTimeout;

    OAuthClient(EdgeEndpoint edge, SSLContext tls, Duration connectTimeout, Duration requestTimeout) {
        this.edge = requireNonNull(edge, "edge");
        this.connectTimeout = requireNonNull(connectTimeout, "connectTimeout");
        this.requestTimeout = requireNonNull(requestTimeout, "requestTimeout");
        this.http = HttpClient.newBuilder()
                .sslContext(requireNonNull(tls, "tls"))
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Returns the edge's authorization server metadata. */
    AuthorizationServer discover() throws AccessException, InterruptedException {
        URI uri = URI.create(edge + AuthorizationServer.WELL_KNOWN);
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri)
                .GET()
                .header("Accept", "application/json")
                .timeout(requestTimeout)
                .build());
        if (response.statusCode() != 200) {
            throw new AccessException("The edge at " + edge + " does not offer browser sign-in (GET "
                    + AuthorizationServer.WELL_KNOWN + " answered HTTP " + response.statusCode()
                    + "); check --edge, or use a service token.");
        }
        try {
            return AuthorizationServer.parse(response.body());
        } catch (ParseException e) {
            throw new AccessException("The edge at " + edge + " answered broken sign-in metadata (" + e.getMessage()
                    + "); check --edge, or the edge's version.");
        }
    }

    /** Returns the token endpoint's answer to {@code form} (client_id is added). */
    TokenResponse token(AuthorizationServer server, Map<String, String> form)
            throws AccessException, OAuthError, InterruptedException {
        HttpResponse<String> response = post(server.tokenEndpoint(), form);
        try {
            return TokenResponse.parse(successBody(response, "token"));
        } catch (ParseException e) {
            throw new AccessException("The edge at " + edge + " answered a broken token response (" + e.getMessage()
                    + "); check the edge's version.");
        }
    }

    /** Returns a device authorization for {@code app}. */
    DeviceAuthorization startDevice(AuthorizationServer server, String app)
            throws AccessException, OAuthError, InterruptedException {
        URI endpoint = server.deviceAuthorizationEndpoint()
                .orElseThrow(() -> new AccessException("The edge at " + edge
                        + " does not offer sign-in with a device code; sign in on a machine with a"
                        + " browser, or use a service token."));
        HttpResponse<String> response = post(endpoint, Map.of("app", app));
        try {
            return DeviceAuthorization.parse(successBody(response, "device authorization"));
        } catch (ParseException e) {
            throw new AccessException("The edge at " + edge + " answered a broken device authorization ("
                    + e.getMessage() + "); check the edge's version.");
        }
    }

    private HttpResponse<String> post(URI endpoint, Map<String, String> fields)
            throws AccessException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>(fields);
        form.put("client_id", CLIENT_ID);
        StringJoiner body = new StringJoiner("&");
        form.forEach((k, v) -> body.add(
                URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return send(HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .timeout(requestTimeout)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build());
    }

    private String successBody(HttpResponse<String> response, String what) throws AccessException, OAuthError {
        if (response.statusCode() == 200) {
            return response.body();
        }
        try {
            Map<String, Object> json = Json.readObject(response.body());
            String error = Json.string(json, "error");
            if (error != null && !error.isBlank()) {
                throw new OAuthError(error, Json.string(json, "error_description"));
            }
        } catch (ParseException | RuntimeException e) {
            // Not an RFC 6749 error body: fall through to the status.
        }
        throw new AccessException("The edge at " + edge + " answered HTTP " + response.statusCode() + " to the " + what
                + " request; try again, or check the edge's logs.");
    }

    private HttpResponse<String> send(HttpRequest request) throws AccessException, InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw new AccessException("The edge at " + edge + " did not accept a connection within "
                    + connectTimeout.toSeconds() + " s; check --edge and your network.");
        } catch (HttpTimeoutException e) {
            throw new AccessException("The edge at " + edge + " did not answer the sign-in request within "
                    + requestTimeout.toSeconds() + " s; try again, or check the edge's logs.");
        } catch (IOException e) {
            throw new AccessException(transportFailure(request.uri(), e));
        }
    }

    private String transportFailure(URI uri, IOException e) {
        String target = uri.getScheme() + "://" + uri.getAuthority();
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof UnresolvedAddressException || c instanceof java.net.UnknownHostException) {
                return "The edge host " + uri.getHost() + " does not resolve; check --edge (or PORTLESS_EDGE).";
            }
            if (c instanceof CertificateException
                    || (c instanceof SSLHandshakeException
                            && String.valueOf(c.getMessage()).contains("cert"))) {
                return "The edge's TLS certificate at " + target + " is not trusted; pass --edge-ca (or"
                        + " PORTLESS_EDGE_CA) with the CA that signed it.";
            }
        }
        if (e instanceof ConnectException) {
            return "Cannot reach the edge at " + target + " to sign in: connection refused; check --edge and that"
                    + " the edge runs.";
        }
        return "Cannot reach the edge at " + target + " to sign in: " + rootMessage(e) + "; check --edge and your"
                + " network.";
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
