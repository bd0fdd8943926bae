package dev.portless.connector.edge.events;

/**
 * A request the edge or the connector refused before any byte reached a target.
 *
 * @param app     the app hostname asked for
 * @param client  the client's address
 * @param error   the error code the client got ({@code forbidden}, {@code no_connector}, ...)
 * @param status  the HTTP status the client got
 * @param message the sentence the client got; it never holds a credential
 */
public record Refusal(String app, String client, String error, int status, String message) {}
