package dev.portless.access.token;

import static java.util.Objects.requireNonNull;

import dev.portless.access.limits.AccessLimits;
import dev.portless.common.files.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The lock that lets one process at a time sign in to an app at an edge, so twenty
 * parallel {@code access} invocations open one browser flow.
 *
 * <p>Two layers: a semaphore per lock file for threads of this process (the JVM refuses a second
 * {@link FileLock} on a file it already locks), then an OS lock on the file for other processes.
 * The OS drops a file lock when its holder dies, so a crashed process never blocks the others, and
 * every wait is bounded anyway.
 */
public final class SignInLock implements AutoCloseable {
    private static final Map<Path, Semaphore> IN_PROCESS = new ConcurrentHashMap<>();

    private final Semaphore local;
    private final FileChannel channel;
    private final FileLock lock;

    private SignInLock(Semaphore local, FileChannel channel, FileLock lock) {
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Returns the lock on {@code file} once this thread holds it; runs {@code onWait} once if it
     * has to wait for another holder; throws {@link TimeoutException} after {@code maxWait}.
     */
    static SignInLock acquire(Path file, Duration maxWait, Runnable onWait)
            throws IOException, InterruptedException, TimeoutException {
        requireNonNull(file, "file");
        requireNonNull(maxWait, "maxWait");
        requireNonNull(onWait, "onWait");
        long deadline = System.nanoTime() + maxWait.toNanos();
        Semaphore local = IN_PROCESS.computeIfAbsent(file.toAbsolutePath().normalize(), f -> new Semaphore(1));
        boolean waited = false;
        if (!local.tryAcquire()) {
            onWait.run();
            waited = true;
            if (!local.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new TimeoutException();
            }
        }
        FileChannel channel = null;
        try {
            channel = OwnerOnlyFiles.openForAppend(file);
            while (true) {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return new SignInLock(local, channel, lock);
                }
                if (!waited) {
                    onWait.run();
                    waited = true;
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new TimeoutException();
                }
                Thread.sleep(AccessLimits.SIGN_IN_LOCK_POLL.toMillis());
            }
        } catch (IOException | InterruptedException | TimeoutException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            local.release();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            // The file stays: deleting it would let a waiter lock a file a newcomer no longer sees.
            lock.release();
            channel.close();
        } finally {
            local.release();
        }
    }
}
