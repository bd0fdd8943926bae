package dev.portless.connector.edge.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * An upstream OpenID Connect provider (Keycloak, Google, Okta, Entra ID, ...). The edge finds
 * its endpoints through discovery ({@code <issuer>/.well-known/openid-configuration}), signs users in
 * with the authorization code flow (PKCE, state and nonce) and reads groups from the ID token.
 *
 * <pre>{@code
 * - name: keycloak
 *   type: oidc
 *   display-name: Keycloak
 *   issuer: https://sso.example.com/realms/acme
 *   client-id: portless
 *   client-secret-file: keycloak-secret    # owner-only file
 *   scopes: [openid, email, profile]       # default
 *   groups-claim: groups                   # default
 * }</pre>
 *
 * <p>The client's redirect URI at the provider is {@code <edge issuer>/signin/oidc/callback}.
 *
 * @param name             the provider's name
 * @param displayName      the label on the sign-in page
 * @param issuer           the provider's issuer URL, exactly as its ID tokens name it
 * @param clientId         the edge's client id at the provider
 * @param clientSecretFile the file holding the client secret
 * @param scopes           the scopes to ask for; always includes {@code openid}
 * @param groupsClaim      the ID token claim that lists the user's groups
 */
public record OidcProviderEntry(
        String name,
        String displayName,
        URI issuer,
        String clientId,
        Path clientSecretFile,
        List<String> scopes,
        String groupsClaim)
        implements IdentityProviderEntry {

    /** The scopes when {@code scopes} is absent. */
    public static final List<String> DEFAULT_SCOPES = List.of("openid", "email", "profile");
    /** The groups claim when {@code groups-claim} is absent. */
    public static final String DEFAULT_GROUPS_CLAIM = "groups";

    /** Checks that no component is null and copies the scopes. */
    public OidcProviderEntry {
        requireNonNull(name, "name");
        requireNonNull(displayName, "displayName");
        requireNonNull(issuer, "issuer");
        requireNonNull(clientId, "clientId");
        requireNonNull(clientSecretFile, "clientSecretFile");
        scopes = List.copyOf(requireNonNull(scopes, "scopes"));
        requireNonNull(groupsClaim, "groupsClaim");
    }
}
