package dev.portless.connector.edge.tunnel;

import java.util.Optional;

/**
 * The tunnel a connector's credentials belong to.
 */
@FunctionalInterface
public interface TunnelAuthenticator {
    /** Returns the tunnel name when {@code secret} is the secret of tunnel {@code tunnelId}. */
    Optional<String> authenticate(String tunnelId, String secret);
}
