package dev.portless.connector.edge.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The way the PIN provider reaches its mail server.
 *
 * @param host         the server's host name
 * @param port         the server's port
 * @param security     how the connection is protected
 * @param username     the user to authenticate as (AUTH PLAIN), if any
 * @param passwordFile the file holding that user's password (readable by the owner only)
 * @param from         the sender address of PIN messages
 */
public record SmtpSettings(
        String host, int port, Security security, Optional<String> username, Optional<Path> passwordFile, String from) {

    /** How an SMTP connection is protected. */
    public enum Security {
        /** Plain TCP, then STARTTLS before anything else (port 587). */
        STARTTLS,
        /** TLS from the first byte (port 465). */
        TLS,
        /** No TLS: only for a relay on this machine. */
        NONE
    }

    /** Checks that no component is null. */
    public SmtpSettings {
        requireNonNull(host, "host");
        requireNonNull(security, "security");
        requireNonNull(username, "username");
        requireNonNull(passwordFile, "passwordFile");
        requireNonNull(from, "from");
    }
}
