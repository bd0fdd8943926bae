package dev.portless.access.agent;

/**
 * What a front holds for as long as its connection to the agent stays open, such as an {@code access tcp}
 * listener: the agent ends it when the front goes away, however it goes.
 */
public interface AgentLease {
    /** Ends what the front held: closes the listener and the connections it accepted. */
    void end();
}
