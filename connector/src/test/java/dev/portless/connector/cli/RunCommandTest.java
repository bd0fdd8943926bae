package dev.portless.connector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.files.OwnerOnlyFiles;
import dev.portless.connector.edge.InProcessStack;
import dev.portless.connector.tunnel.TunnelCredentials;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code connector run}'s start-up check as a supervisor sees it: the table on stderr and the exit code. */
class RunCommandTest {
    @TempDir
    Path dir;

    @Test
    void aRefusedTokenFromTokenFileExitsWithNoPermission() throws IOException {
        try (InProcessStack stack = InProcessStack.start("  - hostname: run.example.com\n    tunnel: tests\n", "")) {
            Path token = dir.resolve("token");
            OwnerOnlyFiles.createFile(
                    token, TunnelCredentials.generate("tests").toToken().getBytes(StandardCharsets.UTF_8));
            StringWriter err = new StringWriter();

            int exit = run(
                    err,
                    "run",
                    "--config",
                    stack.dir().resolve("connector.yml").toString(),
                    "--token-file",
                    token.toString());

            assertEquals(77, exit, err.toString());
            assertTrue(err.toString().contains("credentials  FAIL"), err.toString());
            assertTrue(err.toString().contains("a retry cannot help"), err.toString());
        }
    }

    @Test
    void aWorldReadableTokenFileIsAConfigError() throws IOException {
        Path config = Files.writeString(
                dir.resolve("connector.yml"), "edge: 127.0.0.1:7844\ningress:\n  - service: http_status:404\n");
        Path token = Files.writeString(dir.resolve("token"), "x");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
        StringWriter err = new StringWriter();

        int exit = run(err, "run", "--config", config.toString(), "--token-file", token.toString());

        assertEquals(78, exit, err.toString());
        assertTrue(err.toString().startsWith("connector: --token-file=" + token + ": "), err.toString());
    }

    @Test
    void aMistypedOptionIsAUsageError() {
        assertEquals(2, run(new StringWriter(), "run", "--no-such-option"));
    }

    private static int run(StringWriter err, String... args) {
        CommandLine cl = ConnectorCommand.commandLine();
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }
}
