package dev.portless.connector.edge.access;

/**
 * A service token as the edge stores it: the secret only as its SHA-256.
 *
 * @param name         the token's name, used in policies and logs
 * @param clientId     the id a client presents
 * @param secretSha256 hex SHA-256 of the secret
 */
public record ServiceToken(String name, String clientId, String secretSha256) {}
