package dev.portless.connector.edge.events;

import dev.portless.connector.edge.policy.Identity;
import java.time.Instant;

/**
 * An app token the edge minted; the token itself is never part of it.
 *
 * @param identity  whom for
 * @param app       the app hostname, the token's audience
 * @param tokenId   the token's {@code jti}, which revocations name
 * @param expiresAt when it expires
 */
public record TokenIssue(Identity identity, String app, String tokenId, Instant expiresAt) {}
