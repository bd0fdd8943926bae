package dev.portless.access.login;

/**
 * An RFC 6749 error response from the edge's token or device endpoint,
 * {@code {"error": "...", "error_description": "..."}}.
 */
final class OAuthError extends Exception {
    private final String code;
    private final String description;

    OAuthError(String code, String description) {
        super(code + (description == null ? "" : ": " + description), null, false, false);
        this.code = code;
        this.description = description;
    }

    /** Returns the error code, e.g. {@code authorization_pending}. */
    String code() {
        return code;
    }

    /** Returns the edge's human-readable description, or null. */
    String description() {
        return description;
    }
}
