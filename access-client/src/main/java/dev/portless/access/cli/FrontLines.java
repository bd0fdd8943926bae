package dev.portless.access.cli;

import dev.portless.access.agent.FrontTerminal;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What the agent prints for one front (sign-in messages, a forward's listening line, a stream's end), sent to
 * that front's stderr a line at a time as each line ends.
 */
final class FrontLines extends OutputStream {
    private final FrontTerminal terminal;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    FrontLines(FrontTerminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            terminal.say(line.toString(StandardCharsets.UTF_8));
            line.reset();
        } else if (b != '\r') {
            line.write(b);
        }
    }
}
