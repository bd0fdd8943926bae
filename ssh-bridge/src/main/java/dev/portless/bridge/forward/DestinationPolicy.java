package dev.portless.bridge.forward;

/**
 * Where a forwarding request may go: the one place the bridge decides which destinations a
 * certificate principal reaches.
 */
public interface DestinationPolicy {

    /**
     * Returns the address to dial for {@code principal}'s request to {@code host:port}, or why not.
     * May ask DNS, once, and only for names some rule could allow: call it off the I/O threads.
     */
    ForwardDecision decide(String principal, String host, int port);
}
