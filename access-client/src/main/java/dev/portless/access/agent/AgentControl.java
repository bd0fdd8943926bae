package dev.portless.access.agent;

/** The agent's own life as its fronts may change it: {@code access agent stop}. */
interface AgentControl {
    /** Stops the agent: no new fronts, open streams closed, endpoint files removed. */
    void stop();
}
