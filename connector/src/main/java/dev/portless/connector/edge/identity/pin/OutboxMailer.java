package dev.portless.connector.edge.identity.pin;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Returns a mailer for development and tests: each message becomes an owner-only {@code .eml} file in
 * a directory, written whole or not at all.
 */
public final class OutboxMailer implements PinMailer {
    private final Path dir;
    private final String from;

    /** Returns a mailer writing into {@code dir} (created 0700 when missing). */
    public OutboxMailer(Path dir, String from) throws IOException {
        this.dir = requireNonNull(dir, "dir");
        this.from = requireNonNull(from, "from");
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    @Override
    public void send(String to, String subject, String body) throws IOException {
        String message = "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nDate: "
                + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now()) + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body.replace("\n", "\r\n") + "\r\n";
        Path temp = Files.createTempFile(dir, ".msg", ".tmp", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temp, message, StandardCharsets.UTF_8);
            Files.move(temp, dir.resolve(System.currentTimeMillis() + "-" + temp.getFileName().toString()
                    .replace(".tmp", ".eml").replace(".msg", "")), StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
