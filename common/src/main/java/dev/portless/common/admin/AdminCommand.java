package dev.portless.common.admin;

/**
 * A request that changes the program, sent to its admin listener by an operator on the same host: taken only
 * over loopback, with the admin secret as a Bearer token, and run off the listener's event loop, so it may block.
 */
@FunctionalInterface
public interface AdminCommand {
    /** Returns the answer to a request whose body is {@code body} (JSON, at most a few KiB). */
    AdminAnswer run(String body);
}
