package dev.portless.connector.edge.identity;

import dev.portless.connector.edge.identity.session.BrowserSession;
import dev.portless.connector.edge.pages.WebRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The check that a form POST really comes from one of the edge's own pages: the session's CSRF token
 * must be in the form, and an {@code Origin} header, when the browser sends one, must be the edge's.
 */
public final class FormGuard {
    private final String origin;

    /** Returns a guard for pages served at {@code issuer}. */
    public FormGuard(URI issuer) {
        this.origin = issuer.getScheme() + "://" + issuer.getRawAuthority();
    }

    /** Returns whether {@code request} is a genuine form post of {@code session}. */
    public boolean accepts(WebRequest request, Optional<BrowserSession> session) {
        if (session.isEmpty()) {
            return false;
        }
        if (!fromOwnOrigin(request)) {
            return false;
        }
        String presented = request.form().getOrDefault("csrf", "");
        return MessageDigest.isEqual(
                presented.getBytes(StandardCharsets.UTF_8), session.get().csrf().getBytes(StandardCharsets.UTF_8));
    }

    /** Returns whether {@code request}'s {@code Origin} header, when the browser sends one, is the edge's. */
    public boolean fromOwnOrigin(WebRequest request) {
        Optional<String> from = request.header("Origin");
        return from.isEmpty() || from.get().equalsIgnoreCase(origin);
    }
}
