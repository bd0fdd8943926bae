package dev.portless.access.login;

import java.net.URI;

/**
 * The way the CLI shows the user a sign-in page: the system browser, or in tests a fake
 * one that follows the redirects itself.
 */
@FunctionalInterface
public interface BrowserOpener {
    /**
     * Opens {@code uri}; returns normally when an opener started, or throws with the reason it could
     * not (the CLI has printed the URL either way).
     */
    void open(URI uri) throws Exception;
}
