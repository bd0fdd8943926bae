package dev.portless.bridge.audit;

import static java.util.Objects.requireNonNull;

import dev.portless.common.files.OwnerOnlyFiles;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: one JSON object per line, appended, in a file only the bridge's user may read
 * (mode 0600), because records name users, their certificates and where they went.
 */
public final class AuditLog implements Closeable {

    private static final Logger logger = LoggerFactory.getLogger(AuditLog.class);

    private final Path file;
    private final FileChannel channel;

    private AuditLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Returns the log at {@code file}, created 0600 when absent; an existing file that group or others may
     * read is narrowed to 0600 with a warning.
     *
     * @throws IOException when the file cannot be created or opened for appending
     */
    public static AuditLog open(Path file) throws IOException {
        requireNonNull(file, "file");
        if (Files.exists(file)) {
            final Optional<String> mode = OwnerOnlyFiles.othersMayAccess(file);
            if (mode.isPresent()) {
                logger.warn(
                        "audit-log {} was mode {}; setting it to rw------- (it names users and targets)",
                        file,
                        mode.get());
                OwnerOnlyFiles.restrictToOwner(file);
            }
        }
        return new AuditLog(file, OwnerOnlyFiles.openForAppend(file));
    }

    /** Returns the file the records go to. */
    public Path file() {
        return file;
    }

    /** Appends one record as one line; a failure is logged, never thrown at the session that ended. */
    void write(JsonLine record) {
        final ByteBuffer bytes = ByteBuffer.wrap((record + "\n").getBytes(StandardCharsets.UTF_8));
        // One writer at a time keeps every record on a line of its own.
        synchronized (this) {
            try {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            } catch (IOException e) {
                logger.error("cannot write to audit-log {}: {}; lost record: {}", file, e.getMessage(), record);
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
