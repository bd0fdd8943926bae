package dev.portless.common.wire;

/**
 * The names an app token is made of: a JWT signed ES256 by the edge, checked by the edge on
 * every upgrade and again by the connector on every stream.
 *
 * <p>Registered claims ({@code iss}, {@code aud}, {@code sub}, {@code iat}, {@code nbf},
 * {@code exp}, {@code jti}) keep their RFC 7519 meaning; {@code aud} is exactly one app hostname.
 */
public final class AppTokenClaims {
    /** The JOSE header {@code typ} only app tokens carry, so no other JWT (an OIDC ID token) passes for one. */
    public static final String TYPE = "portless-app+jwt";
    /** The only signature algorithm app tokens use. */
    public static final String ALGORITHM = "ES256";
    /** The user's e-mail address; absent for service tokens. */
    public static final String EMAIL = "email";
    /** The user's groups as the identity provider named them; an array, possibly empty. */
    public static final String GROUPS = "groups";
    /**
     * The service token's name, present only in tokens the edge mints for a service token. A claim of its own,
     * not a {@code sub} prefix, because an upstream identity provider chooses the subjects of people.
     */
    public static final String SERVICE_TOKEN = "service_token";

    /** The path of the edge's JWKS, relative to its issuer URL. */
    public static final String JWKS_PATH = "/.well-known/jwks.json";
    /**
     * The edge's page explaining a policy refusal to the signed-in person, {@code ?app=HOSTNAME}; the
     * CLI sends the browser there when the authorization endpoint answers {@code access_denied}.
     */
    public static final String NOT_ALLOWED_PATH = "/not-allowed";
    /** The path of the edge's RFC 8414 metadata, relative to its issuer URL. */
    public static final String METADATA_PATH = "/.well-known/oauth-authorization-server";
    /** The OAuth client id of the {@code access} CLI. */
    public static final String CLI_CLIENT_ID = "portless-access";

    private AppTokenClaims() {}
}
