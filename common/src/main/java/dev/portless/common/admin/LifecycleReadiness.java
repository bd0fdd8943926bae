package dev.portless.common.admin;

import java.util.Optional;

/**
 * The start-up and drain phases of a program as a readiness: not ready until {@link #started()},
 * and not ready again from {@link #draining()} on. The edge's and the connector's drain flip it.
 */
public final class LifecycleReadiness implements Readiness {
    private volatile boolean started;
    private volatile boolean draining;

    /** Marks the program as serving. */
    public void started() {
        started = true;
    }

    /** Marks the program as draining: it finishes what it has and takes nothing new. */
    public void draining() {
        draining = true;
    }

    @Override
    public Optional<String> notReadyBecause() {
        if (draining) {
            return Optional.of("draining: finishing open streams and taking no new ones");
        }
        return started ? Optional.empty() : Optional.of("starting");
    }
}
