package dev.portless.connector.edge.store;

import static java.util.Objects.requireNonNull;

import dev.portless.common.files.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One edge's hold on its state directory: the operating system's exclusive lock on {@value #NAME} there, taken at
 * start and held until the edge's store closes. Two edges without a shared store on one directory would overwrite
 * each other's revocation list and keys; the second is refused instead. The lock belongs to the process, so the
 * file a crashed edge leaves behind blocks nobody; it is never deleted, since an edge that deleted it on exit could
 * leave the next two edges locking two different files of one name.
 */
public final class StateDirectoryLock implements AutoCloseable {
    /** The lock file's name in the state directory; it holds the process id of the edge that holds it. */
    public static final String NAME = "edge.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private StateDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Returns the hold of this process on {@code stateDir}, which must exist.
     *
     * @throws IllegalStateException when another edge holds it, with a sentence naming the directory and the fix
     * @throws UncheckedIOException  when the lock file cannot be opened
     */
    public static StateDirectoryLock take(Path stateDir) {
        requireNonNull(stateDir, "stateDir");
        Path file = stateDir.resolve(NAME);
        FileChannel channel;
        try {
            channel = OwnerOnlyFiles.openForAppend(file);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot open the state directory's lock " + file + ": " + e.getMessage()
                            + " (check state-dir in edge.yml and that the edge may write there)",
                    e);
        }
        try {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("another edge" + holder(file) + " uses the state directory " + stateDir
                        + "; give each edge its own state-dir, or use store: postgres so edges share their state");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            return new StateDirectoryLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock the state directory " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /** Returns the lock, or null when another process, or another holder in this one, has it. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // Locks belong to processes: in one JVM a second hold shows up here rather than as a refusal.
            return null;
        }
    }

    /** Returns " (process N)" naming the holder the lock file records, or nothing when it cannot be read. */
    private static String holder(Path file) {
        try {
            String pid = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return pid.matches("[0-9]{1,10}") ? " (process " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Already failing with a better sentence.
        }
    }

    /** Releases the hold; the next edge may take it. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel below releases it as well.
        } finally {
            closeQuietly(channel);
        }
    }
}
