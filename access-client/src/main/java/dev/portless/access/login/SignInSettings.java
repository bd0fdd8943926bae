package dev.portless.access.login;

import static java.util.Objects.requireNonNull;

import dev.portless.access.edge.EdgeEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What one sign-in needs to know.
 *
 * @param edge           the edge, which is the authorization server
 * @param app            the app hostname the token is for
 * @param edgeCa         the PEM CA to trust for the edge, or the system's trust store when empty
 * @param connectTimeout how long to wait for the edge to accept a connection; also bounds each request
 * @param timeout        how long to wait for the user to finish signing in
 * @param flow           browser or device code
 */
public record SignInSettings(
        EdgeEndpoint edge,
        String app,
        Optional<Path> edgeCa,
        Duration connectTimeout,
        Duration timeout,
        SignInFlow flow) {
    /** Returns settings; every field is required. */
    public SignInSettings {
        requireNonNull(edge, "edge");
        requireNonNull(app, "app");
        requireNonNull(edgeCa, "edgeCa");
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(timeout, "timeout");
        requireNonNull(flow, "flow");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
    }
}
