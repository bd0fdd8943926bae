package dev.portless.access.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The files {@code access} reads from a flag or a variable: an empty variable is unset, and a file that
 * cannot be read is reported with the flag or variable that named it.
 */
class FileSettingsTest {
    /** Nothing listens on port 1, so a dial fails at once after the settings were read. */
    // Without resume, the dial's failure is printed on the command line's err (a resumable stream's
    // local relay prints on the process's own stderr).
    private static final String[] SSH_TO_NOWHERE = {
        "ssh", "--hostname", "app.example.com", "--edge", "https://127.0.0.1:1", "--connect-timeout", "1", "--no-resume"
    };

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("PORTLESS_CONFIG_DIR", dir.resolve("config").toString());
        env.put("PORTLESS_SERVICE_TOKEN_ID", "id.access");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private int run(Map<String, String> env, String... args) {
        CommandLine cl = AccessCommand.commandLine(env);
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void emptyVariablesAreUnset() {
        int code = run(
                env(
                        "PORTLESS_EDGE_CA", "",
                        "PORTLESS_SERVICE_TOKEN_SECRET_FILE", "",
                        "PORTLESS_SERVICE_TOKEN_SECRET", "the-secret"),
                SSH_TO_NOWHERE);
        // The settings were accepted: the command got as far as dialing the edge.
        assertEquals(1, code, err.toString());
        assertTrue(err.toString().contains("127.0.0.1:1"), err.toString());
        assertFalse(err.toString().contains("file"), err.toString());
    }

    @Test
    void anEmptyServiceTokenIdIsNoServiceToken() {
        int code = run(
                env("PORTLESS_SERVICE_TOKEN_ID", "", "PORTLESS_SERVICE_TOKEN_SECRET_FILE", ""),
                "token",
                "app.example.com");
        // No service token: `access token` looks for the user's own sign-in and finds none.
        assertEquals(1, code, err.toString());
        assertFalse(err.toString().contains("service token"), err.toString());
    }

    @Test
    void aMissingCaFileNamesTheVariable() {
        Path missing = dir.resolve("x.pem");
        assertRefused(
                "PORTLESS_EDGE_CA=" + missing + ": cannot read the file: No such file or directory",
                env("PORTLESS_EDGE_CA", missing.toString(), "PORTLESS_SERVICE_TOKEN_SECRET", "s"),
                SSH_TO_NOWHERE);
    }

    @Test
    void aCaFlagThatIsNoCertificateNamesTheFlag() throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.txt"), "not a certificate\n");
        assertRefused(
                "--edge-ca=" + notPem + ": the file holds no PEM certificate (expected: -----BEGIN CERTIFICATE-----)",
                env("PORTLESS_SERVICE_TOKEN_SECRET", "s"),
                concat(SSH_TO_NOWHERE, "--edge-ca", notPem.toString()));
    }

    @Test
    void aMissingSecretFileNamesTheVariable() {
        Path missing = dir.resolve("secret");
        assertRefused(
                "PORTLESS_SERVICE_TOKEN_SECRET_FILE=" + missing + ": cannot read the file: No such file or directory",
                env("PORTLESS_SERVICE_TOKEN_SECRET_FILE", missing.toString()),
                SSH_TO_NOWHERE);
    }

    @Test
    void aSecretFileFlagNamingADirectoryNamesTheFlag() {
        assertRefused(
                "--service-token-secret-file=" + dir + ": cannot read the file: Is a directory",
                env(),
                concat(SSH_TO_NOWHERE, "--service-token-secret-file", dir.toString()));
    }

    @Test
    void anEmptySecretFileSaysWhatItShouldHold() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertRefused(
                "PORTLESS_SERVICE_TOKEN_SECRET_FILE=" + empty
                        + ": the file is empty (expected: the service token secret)",
                env("PORTLESS_SERVICE_TOKEN_SECRET_FILE", empty.toString()),
                SSH_TO_NOWHERE);
    }

    /** Runs access with {@code env} and {@code args} and checks that it stops at start with {@code sentence}. */
    private void assertRefused(String sentence, Map<String, String> env, String... args) {
        assertEquals(2, run(env, args), err.toString());
        assertEquals("access: " + sentence, err.toString().strip());
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = new String[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
