package dev.portless.connector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A configuration file named by a flag that cannot be read: the sentence names the flag. */
class ConfigFlagTest {
    @TempDir
    Path dir;

    @Test
    void eachCommandNamesTheFlagOfAMissingFile() {
        Path missing = dir.resolve("missing.yml");
        String notFound = "=" + missing + ": cannot read the file: No such file or directory";
        assertEquals("connector: --config" + notFound, run("run", "--config", missing.toString()));
        assertEquals("connector: --config" + notFound, run("edge", "--config", missing.toString()));
        assertEquals("connector: --config" + notFound, run("edge", "ssh-ca", "--config", missing.toString()));
        assertEquals(
                "connector: --edge-config" + notFound,
                run("serve", "--edge-config", missing.toString(), "--config", missing.toString()));
    }

    @Test
    void aDirectoryIsNoConfigFile() {
        assertEquals(
                "connector: --config=" + dir + ": cannot read the file: Is a directory",
                run("run", "--config", dir.toString()));
    }

    private static String run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = ConnectorCommand.commandLine();
        cl.setErr(new PrintWriter(err, true));
        assertEquals(78, cl.execute(args), err.toString());
        return err.toString().strip();
    }
}
