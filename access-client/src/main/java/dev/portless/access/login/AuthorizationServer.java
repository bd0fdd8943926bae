package dev.portless.access.login;

import dev.portless.common.json.Json;
import dev.portless.common.wire.AppTokenClaims;
import java.net.URI;
import java.text.ParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The edge's OAuth 2.0 authorization server metadata (RFC 8414) the CLI uses.
 *
 * @param issuer                      the issuer, the edge URL
 * @param authorizationEndpoint       where the browser signs in
 * @param tokenEndpoint               where codes become app tokens
 * @param deviceAuthorizationEndpoint where the device flow starts, if the edge offers it
 */
record AuthorizationServer(
        String issuer, URI authorizationEndpoint, URI tokenEndpoint, Optional<URI> deviceAuthorizationEndpoint) {

    /** Path of the metadata document under the edge URL. */
    static final String WELL_KNOWN = AppTokenClaims.METADATA_PATH;

    /** Returns the metadata in {@code json}; throws {@link ParseException} naming what is wrong. */
    static AuthorizationServer parse(String json) throws ParseException {
        Map<String, Object> m = Json.readObject(json);
        String issuer = Json.string(m, "issuer");
        return new AuthorizationServer(
                issuer == null ? "" : issuer,
                https(m, "authorization_endpoint", true),
                https(m, "token_endpoint", true),
                Optional.ofNullable(https(m, "device_authorization_endpoint", false)));
    }

    private static URI https(Map<String, Object> m, String name, boolean required) throws ParseException {
        URI uri = Json.uri(m, name);
        if (uri == null) {
            if (required) {
                throw new ParseException(name + " is missing", 0);
            }
            return null;
        }
        // Codes and verifiers go to these endpoints: never in clear text, except to this machine (development).
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean loopback =
                "127.0.0.1".equals(uri.getHost()) || "[::1]".equals(uri.getHost()) || "localhost".equals(uri.getHost());
        if (uri.getHost() == null || !(scheme.equals("https") || (scheme.equals("http") && loopback))) {
            throw new ParseException(name + ": \"" + uri + "\" (expected: an https URL)", 0);
        }
        return uri;
    }
}
