package dev.portless.connector.edge.identity.pin;

import java.io.IOException;

/**
 * The way PIN messages leave the edge: a mail server, or an outbox directory for development.
 */
@FunctionalInterface
public interface PinMailer {
    /**
     * Delivers a plain-text message; blocks, so it runs on a web worker, never on an event loop.
     *
     * @throws IOException with a sentence saying what failed
     */
    void send(String to, String subject, String body) throws IOException;
}
