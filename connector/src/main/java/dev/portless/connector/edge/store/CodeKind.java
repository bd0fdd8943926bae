package dev.portless.connector.edge.store;

/** The kinds of single-use code the edges share, each its own namespace. */
public enum CodeKind {
    /** An OAuth authorization code of the {@code access} CLI's loopback sign-in. */
    AUTHORIZATION,
    /** A web app's sign-in code, carried back to the app's host in a redirect. */
    APP_SIGN_IN,
    /**
     * An upstream OIDC login in progress, named by its {@code state} and the browser session together, so the
     * provider's answer is taken once, at whichever edge it lands, and only in the browser that started it.
     */
    OIDC_LOGIN;

    String column() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
