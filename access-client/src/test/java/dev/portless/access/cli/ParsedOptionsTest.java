package dev.portless.access.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.access.limits.AccessLimits;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ParsedOptionsTest {
    private final AtomicInteger made = new AtomicInteger();
    private final ParsedOptions<SshCommand> options = new ParsedOptions<>(() -> {
        made.incrementAndGet();
        return new SshCommand();
    });

    @Test
    void theSameArgumentsAreParsedOnce() {
        SshCommand first = options.parse(List.of("--hostname", "db.example.com", "--edge", "https://edge.example.com"));
        SshCommand again = options.parse(List.of("--hostname", "db.example.com", "--edge", "https://edge.example.com"));
        assertSame(first, again);
        assertEquals(1, made.get());
        assertEquals("db.example.com", first.hostname);
        assertEquals("https://edge.example.com", first.edgeOptions.location.edge);
    }

    @Test
    void otherArgumentsGetTheirOwnCommand() {
        SshCommand db = options.parse(List.of("--hostname", "db.example.com"));
        SshCommand web = options.parse(List.of("--hostname", "web.example.com", "--no-resume"));
        assertNotSame(db, web);
        assertEquals("db.example.com", db.hostname);
        assertEquals("web.example.com", web.hostname);
        assertTrue(web.resumeOption.noResume);
        assertTrue(!db.resumeOption.noResume, "a later parse must not change an earlier command");
    }

    @Test
    void wrongArgumentsFailEachTimeAndAreNotKept() {
        List<String> missingHostname = List.of("--edge", "https://edge.example.com");
        assertThrows(CommandLine.ParameterException.class, () -> options.parse(missingHostname));
        assertThrows(CommandLine.ParameterException.class, () -> options.parse(missingHostname));
        assertEquals(2, made.get());
    }

    @Test
    void pastItsBoundItStartsOver() {
        SshCommand first = options.parse(List.of("--hostname", "h0.example.com"));
        for (int i = 1; i <= AccessLimits.AGENT_PARSED_ARGUMENT_LISTS; i++) {
            options.parse(List.of("--hostname", "h" + i + ".example.com"));
        }
        assertNotSame(first, options.parse(List.of("--hostname", "h0.example.com")));
    }
}
