package dev.portless.connector.edge;

import dev.portless.connector.edge.config.IdentityProviderEntry;
import java.util.List;

/** The making of new identity providers that a reload asks for when edge.yml's {@code identity-providers} changed. */
@FunctionalInterface
interface ProviderRebuild {
    /**
     * Returns the swap that puts the providers of {@code entries} in use for new sign-ins; nothing changes before
     * it runs. May call a provider (OIDC discovery): call it off the event loops.
     *
     * @throws ProviderRefusal when a provider cannot be made
     */
    Runnable prepare(List<IdentityProviderEntry> entries) throws ProviderRefusal;
}
