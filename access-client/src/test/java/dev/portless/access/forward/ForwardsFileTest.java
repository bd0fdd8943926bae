package dev.portless.access.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portless.common.config.ConfigException;
import dev.portless.common.config.HostPort;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardsFileTest {
    @Test
    void readsEachAppAndItsListenAddress() {
        List<Forward> forwards = ForwardsFile.parse("forwards.yml", """
                forwards:
                  - hostname: db.example.com
                    listen: localhost:5432
                  - hostname: rdp.example.com
                    listen: "[::1]:3389"
                """);
        assertEquals(
                List.of(
                        new Forward("db.example.com", new HostPort("localhost", 5432)),
                        new Forward("rdp.example.com", new HostPort("::1", 3389))),
                forwards);
    }

    @Test
    void mistakesNameTheFileLineAndKey() {
        assertEquals("forwards.yml:5: forwards[1].listen: \"localhost\" has no port (expected: host:port)", error("""
                        forwards:
                          - hostname: db.example.com
                            listen: localhost:5432
                          - hostname: rdp.example.com
                            listen: localhost
                        """));
        assertEquals(
                "forwards.yml:5: forwards[1].listen: localhost:5432 is already the listen address of forwards[0]"
                        + " (line 2)",
                error("""
                        forwards:
                          - hostname: db.example.com
                            listen: localhost:5432
                          - hostname: other.example.com
                            listen: localhost:5432
                        """));
        assertEquals("forwards.yml:3: forwards[0].port: unknown key (expected one of: hostname, listen)", error("""
                        forwards:
                          - hostname: db.example.com
                            port: 5432
                        """));
    }

    @Test
    void aFlagNamesAnAppAndAnAddress() {
        assertEquals(
                new Forward("db.example.com", new HostPort("localhost", 5432)),
                Forward.parseFlag("db.example.com=localhost:5432"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Forward.parseFlag("db.example.com:5432"));
        assertEquals(
                "--forward: \"db.example.com:5432\" (expected: HOSTNAME=HOST:PORT, e.g. db.example.com=localhost:5432)",
                e.getMessage());
    }

    @Test
    void theTableAlignsItsColumns() {
        ForwardTable table = new ForwardTable();
        table.add("db.example.com", "127.0.0.1:5432", "listening");
        table.add("a.example.com", "-", "not signed in: no.");
        assertEquals("""
                APP             LISTENING ON    STATUS
                db.example.com  127.0.0.1:5432  listening
                a.example.com   -               not signed in: no.
                """, table.render());
    }

    private static String error(String yaml) {
        return assertThrows(ConfigException.class, () -> ForwardsFile.parse("forwards.yml", yaml))
                .getMessage();
    }
}
