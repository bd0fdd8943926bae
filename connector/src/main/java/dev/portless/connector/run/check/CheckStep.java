package dev.portless.connector.run.check;

/** Returns the steps of reaching an edge, in the order they are checked. */
public enum CheckStep {
    /** The edge's name resolves. */
    DNS,
    /** A TCP connection to the edge's tunnel port opens. */
    TCP,
    /** The edge's certificate chains to a trusted anchor and names the edge; ALPN agrees on HTTP/2. */
    TLS,
    /** The edge accepts the tunnel credentials. */
    CREDENTIALS;

    /** Returns the name shown in the check table. */
    public String label() {
        return this == CREDENTIALS ? "credentials" : name();
    }
}
