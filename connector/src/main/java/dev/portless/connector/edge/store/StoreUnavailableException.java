package dev.portless.connector.edge.store;

/** The failure to reach the edges' shared store, in a sentence a person can act on. */
public final class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Returns the failure of {@code operation}, caused by {@code cause}. */
    public StoreUnavailableException(String operation, Throwable cause) {
        super(
                "The edge's store is unreachable (" + operation + ": " + cause.getMessage()
                        + "); sign-in works again once the database answers.",
                cause);
    }
}
