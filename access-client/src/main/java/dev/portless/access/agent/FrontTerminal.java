package dev.portless.access.agent;

import java.net.URI;

/**
 * The terminal of the person whose command reached the agent: what the agent says goes to that
 * front's stderr, and a sign-in page opens in that front's browser, never the agent's.
 */
public interface FrontTerminal {

    /** Prints {@code sentence} on the front's stderr. */
    void say(String sentence);

    /** Asks the front to open {@code page} with its {@code $BROWSER} (or the system opener). */
    void open(URI page);
}
