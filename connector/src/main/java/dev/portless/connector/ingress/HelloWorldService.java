package dev.portless.connector.ingress;

/**
 * The built-in page a rule names with {@code service: hello-world}: the connector itself answers a
 * small HTML page naming the app, the identity and the request, so a first try needs no origin.
 */
public record HelloWorldService() implements WebService {
    /** The spelling in a rule. */
    static final String NAME = "hello-world";

    /** Returns the service as written in a rule. */
    @Override
    public String toString() {
        return NAME;
    }
}
