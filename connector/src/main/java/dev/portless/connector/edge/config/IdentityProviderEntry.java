package dev.portless.connector.edge.config;

/**
 * An identity provider as configured under {@code identity-providers}: the built-in e-mail
 * PIN ({@link PinProviderEntry}) or an upstream OpenID Connect provider ({@link OidcProviderEntry}).
 */
public sealed interface IdentityProviderEntry permits PinProviderEntry, OidcProviderEntry {
    /** Returns the provider's name: unique, used in URLs and logs. */
    String name();

    /** Returns the label on the sign-in page, e.g. {@code Keycloak}. */
    String displayName();
}
