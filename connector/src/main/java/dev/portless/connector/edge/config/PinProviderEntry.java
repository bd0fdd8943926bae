package dev.portless.connector.edge.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The built-in one-time PIN provider: the edge mails a 6-digit PIN to the address the user
 * types, either through SMTP or, for development, into an outbox directory (one file per message).
 *
 * <pre>{@code
 * - name: email
 *   type: pin
 *   smtp: { host: smtp.example.com, port: 587, security: starttls, username: portless,
 *           password-file: smtp-password, from: access@example.com }
 *   # or, for development:  outbox: outbox
 * }</pre>
 *
 * @param name        the provider's name
 * @param displayName the label on the sign-in page
 * @param smtp        the mail server, when PINs go out by mail
 * @param outbox      the directory PIN messages are written to instead
 */
public record PinProviderEntry(String name, String displayName, Optional<SmtpSettings> smtp, Optional<Path> outbox)
        implements IdentityProviderEntry {

    /** Checks that exactly one way of delivering PINs is set. */
    public PinProviderEntry {
        requireNonNull(name, "name");
        requireNonNull(displayName, "displayName");
        requireNonNull(smtp, "smtp");
        requireNonNull(outbox, "outbox");
        if (smtp.isPresent() == outbox.isPresent()) {
            throw new IllegalArgumentException("smtp, outbox: exactly one expected");
        }
    }
}
