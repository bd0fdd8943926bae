package dev.portless.access.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.access.agent.FrontTerminal;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the agent prints for a front reaches it a whole line at a time, in UTF-8, without carriage returns. */
class FrontLinesTest {
    @Test
    void eachEndedLineIsOneSayAndAPartialLineWaits() {
        List<String> said = new ArrayList<>();
        FrontTerminal terminal = new FrontTerminal() {
            @Override
            public void say(String sentence) {
                said.add(sentence);
            }

            @Override
            public void open(URI page) {}
        };
        PrintStream out = new PrintStream(new FrontLines(terminal), true, StandardCharsets.UTF_8);
        out.print("access: listening on 127.0.0.1:5432 for db.example.com\r\nthe stream to é");
        assertEquals(List.of("access: listening on 127.0.0.1:5432 for db.example.com"), said);
        out.println("tendu ended");
        assertEquals(
                List.of("access: listening on 127.0.0.1:5432 for db.example.com", "the stream to étendu ended"), said);
    }
}
