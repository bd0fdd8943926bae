package dev.portless.connector.token;

/**
 * Why an app token was refused; each reason has the clause a user or an operator reads.
 */
public enum TokenRejection {
    /** Not a compact JWS at all, or larger than any app token. */
    MALFORMED("it is not a signed JWT"),
    /** {@code alg: none} or another algorithm than ES256. */
    WRONG_ALGORITHM("it is not signed with ES256"),
    /** The {@code typ} header is not the app-token type, e.g. an OIDC ID token. */
    WRONG_TYPE("it is not a Portless app token"),
    /** No published key has the token's {@code kid}. */
    UNKNOWN_KEY("it was signed with a key the edge does not publish"),
    /** The signature does not verify with the key its {@code kid} names. */
    BAD_SIGNATURE("its signature does not verify"),
    /** Another issuer than the edge's. */
    WRONG_ISSUER("it was issued by another edge"),
    /** Not exactly this app's hostname. */
    WRONG_AUDIENCE("it was issued for another app"),
    /** A required claim is absent or has the wrong type. */
    MISSING_CLAIM("it lacks a required claim"),
    /** {@code nbf} is in the future. */
    NOT_YET_VALID("it is not valid yet"),
    /** {@code exp} passed, beyond the allowed clock skew. */
    EXPIRED("it has expired"),
    /** The edge revoked it before its expiry, e.g. because the code it came from was replayed. */
    REVOKED("it was revoked"),
    /** An administrator signed its identity out after it was issued; a new sign-in gets a token that works. */
    SIGNED_OUT("an administrator signed you out"),
    /** The connector could not fetch the edge's keys to check it. */
    KEYS_UNAVAILABLE("the edge's signing keys could not be fetched");

    private final String clause;

    TokenRejection(String clause) {
        this.clause = clause;
    }

    /** Returns the reason as a clause, e.g. {@code it was issued for another app}. */
    public String clause() {
        return clause;
    }
}
