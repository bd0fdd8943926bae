/**
 * The edge's TLS listeners: the bound server channel with its kernel backlog ({@code TlsListener}), the
 * handshakes in progress it allows before it stops accepting ({@code HandshakeGate}), and the head of
 * every accepted connection's pipeline, TLS behind a deadline that counts only the peer's silence
 * ({@code TlsListenerHead}, {@code TlsHandshakeDeadline}).
 */
package dev.portless.connector.edge.listener;
