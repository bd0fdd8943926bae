package dev.portless.connector.edge.audit;

import dev.portless.common.files.OwnerOnlyFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where audit lines go: an owner-only file, appended, or standard output. */
interface AuditSink extends AutoCloseable {
    /** Writes one line, newline included; called from the audit writer thread only. */
    void write(byte[] line) throws IOException;

    @Override
    void close() throws IOException;

    /** Returns a sink writing to standard output. */
    static AuditSink stdout() {
        PrintStream out = System.out;
        return new AuditSink() {
            @Override
            public void write(byte[] line) {
                out.write(line, 0, line.length);
                out.flush();
            }

            @Override
            public void close() {
                out.flush();
            }
        };
    }

    /**
     * Returns a sink appending to {@code file}, created 0600; an existing file others may read is
     * narrowed to 0600 first, since records name people and where they went.
     */
    static AuditSink file(Path file) throws IOException {
        Logger log = LoggerFactory.getLogger(AuditSink.class);
        if (Files.exists(file)) {
            Optional<String> mode = OwnerOnlyFiles.othersMayAccess(file);
            if (mode.isPresent()) {
                log.warn("audit file {} was mode {}; setting it to rw------- (it names people)", file, mode.get());
                OwnerOnlyFiles.restrictToOwner(file);
            }
        }
        FileChannel channel = OwnerOnlyFiles.openForAppend(file);
        return new AuditSink() {
            @Override
            public void write(byte[] line) throws IOException {
                ByteBuffer bytes = ByteBuffer.wrap(line);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }
}
