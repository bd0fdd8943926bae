package dev.portless.access.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.access.testing.FakeAuthorizationServer;
import dev.portless.access.testing.TestCertificates;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code access forward}'s sign-ins: one app after another, and a refusal reported in the app's row. */
class ForwardCommandTest {
    static TestCertificates certificates;
    static FakeAuthorizationServer server;

    @TempDir
    Path config;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        certificates = TestCertificates.create(dir);
        server = FakeAuthorizationServer.start(certificates);
        server.deviceInterval(1);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void eachAppSignsInInTurnAndARefusalIsItsRowsStatus() {
        server.devicePolls("access_denied", "access_denied");
        int before = server.deviceStarts();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = AccessCommand.commandLine(Map.of(
                "PORTLESS_CONFIG_DIR", config.toString(),
                "PORTLESS_EDGE_CA", certificates.caPem().toString(),
                "SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22"));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));

        int code = cl.execute(
                "forward",
                "--edge",
                server.edge(),
                "--forward",
                "db.example.com=127.0.0.1:15432",
                "--forward",
                "wiki.example.com=127.0.0.1:15433");

        assertEquals(1, code, err.toString());
        assertEquals(before + 2, server.deviceStarts());
        String said = err.toString();
        // In turn: the second app's prompt comes only after the first app's sign-in ended.
        int firstRefusal = said.indexOf("access: db.example.com: ");
        int secondPrompt = said.indexOf("To sign in", said.indexOf("To sign in") + 1);
        assertTrue(firstRefusal > 0 && secondPrompt > firstRefusal, said);
        assertTrue(said.contains("alice@example.com is not allowed to reach this app"), said);
        String table = out.toString();
        assertTrue(table.startsWith("APP"), table);
        assertTrue(table.matches("(?s).*db\\.example\\.com\\s+-\\s+not signed in: .*not allowed.*"), table);
        assertTrue(table.matches("(?s).*wiki\\.example\\.com\\s+-\\s+not signed in: .*not allowed.*"), table);
        assertTrue(said.contains("access: no forward is listening"), said);
    }
}
