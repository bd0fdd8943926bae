package dev.portless.common.admin;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * The short, bounded label of a stream's end reason for metrics: the sentence a relay logs
 * ("target ended the stream: …", "client closed", "edge error: …") carries free text that would
 * make a new series per message.
 */
public final class EndReasonLabel {
    private EndReasonLabel() {}

    /**
     * Returns {@code completed}, {@code <side>_closed}, {@code <side>_aborted}, {@code <side>_error}
     * or {@code closed} for {@code reason}.
     */
    public static String of(String reason) {
        requireNonNull(reason, "reason");
        if (reason.equals("completed")) {
            return "completed";
        }
        int space = reason.indexOf(' ');
        if (space <= 0) {
            return "closed";
        }
        String side = reason.substring(0, space).toLowerCase(Locale.ROOT);
        if (!side.matches("[a-z]{1,16}")) {
            return "closed";
        }
        String rest = reason.substring(space + 1);
        if (rest.startsWith("ended the stream")) {
            return side + "_aborted";
        }
        if (rest.startsWith("error")) {
            return side + "_error";
        }
        return rest.equals("closed") ? side + "_closed" : "closed";
    }
}
