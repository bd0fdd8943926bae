package dev.portless.it.peers;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stops a peer and whatever it spawned, politely first so it can flush its log. */
public final class ProcessTermination {

    static final Duration GRACE = Duration.ofSeconds(5);

    private ProcessTermination() {}

    /** Sends SIGTERM to {@code process} and its descendants, then SIGKILL to any still alive after {@link #GRACE}. */
    public static void terminate(Process process) {
        // Collect descendants first: once the parent dies they are re-parented and no longer listed.
        List<ProcessHandle> tree = process.descendants().toList();
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
