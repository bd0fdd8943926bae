package dev.portless.common.admin;

import static java.util.Objects.requireNonNull;

/**
 * The answer to an {@link AdminCommand}: an HTTP status and a JSON body.
 *
 * @param status the HTTP status
 * @param json   the body
 */
public record AdminAnswer(int status, String json) {
    /** Checks the status and that the body is not null. */
    public AdminAnswer {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 200..599)");
        }
        requireNonNull(json, "json");
    }
}
