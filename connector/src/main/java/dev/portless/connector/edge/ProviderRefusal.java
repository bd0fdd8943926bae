package dev.portless.connector.edge;

import dev.portless.common.config.ConfigNode;

/**
 * A reload's refusal of an identity provider that could not be made: which item of {@code identity-providers}, the
 * key at fault and the problem, which the reload reports as the file's line-numbered error.
 */
final class ProviderRefusal extends Exception {
    private static final long serialVersionUID = 1L;

    private final int index;
    private final String key;

    /** Returns the refusal of item {@code index} (0-based) for {@code problem}, a clause about its {@code key}. */
    ProviderRefusal(int index, String key, String problem, Throwable cause) {
        super(problem, cause);
        this.index = index;
        this.key = key;
    }

    /**
     * Returns the refusal as the error of the file {@code root} was read from, on the key's line, e.g.
     * {@code edge.yml:14: identity-providers[1].issuer: the discovery document ... could not be used: ...}.
     */
    String at(ConfigNode root) {
        return root.list("identity-providers")
                .get(index)
                .error(key, getMessage())
                .getMessage();
    }
}
