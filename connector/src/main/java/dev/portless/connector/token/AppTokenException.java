package dev.portless.connector.token;

import static java.util.Objects.requireNonNull;

/**
 * Thrown when an app token is refused; {@link #rejection()} says why.
 */
public final class AppTokenException extends Exception {
    private final TokenRejection rejection;

    /** Returns an exception for {@code rejection} with a detail for logs. */
    public AppTokenException(TokenRejection rejection, String detail) {
        super(requireNonNull(rejection, "rejection").clause() + (detail == null ? "" : " (" + detail + ")"));
        this.rejection = rejection;
    }

    /** Returns why the token was refused. */
    public TokenRejection rejection() {
        return rejection;
    }
}
