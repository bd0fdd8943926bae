package dev.portless.connector.edge.identity.pin;

import static java.util.Objects.requireNonNull;

import dev.portless.common.files.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A mailer for development and tests: each message becomes an owner-only {@code .eml} file in
 * a directory, written whole or not at all.
 */
public final class OutboxMailer implements PinMailer {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final String from;

    /** Returns a mailer writing into {@code dir} (created 0700 when missing). */
    public OutboxMailer(Path dir, String from) throws IOException {
        this.dir = requireNonNull(dir, "dir");
        this.from = requireNonNull(from, "from");
        OwnerOnlyFiles.createDirectories(dir);
    }

    @Override
    public void send(String to, String subject, String body) throws IOException {
        String message = "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nDate: "
                + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now()) + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body.replace("\n", "\r\n") + "\r\n";
        // The random part keeps two messages of one millisecond apart.
        OwnerOnlyFiles.write(
                dir.resolve(System.currentTimeMillis() + "-" + Long.toUnsignedString(RANDOM.nextLong()) + ".eml"),
                message.getBytes(StandardCharsets.UTF_8));
    }
}
