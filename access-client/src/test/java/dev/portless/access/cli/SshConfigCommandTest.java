package dev.portless.access.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code access ssh-config}: the block a user appends to ~/.ssh/config. */
class SshConfigCommandTest {
    @TempDir
    Path config;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    private int run(Map<String, String> env, String... args) {
        CommandLine cl = AccessCommand.commandLine(env);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private Map<String, String> env(String launcher) {
        Map<String, String> env = new HashMap<>();
        env.put("PORTLESS_CONFIG_DIR", config.toString());
        if (launcher != null) {
            env.put("PORTLESS_LAUNCHER", launcher);
        }
        return env;
    }

    @Test
    void plainBlockUsesAccessFromPath() {
        assertEquals(0, run(env(null), "ssh-config", "--hostname", "SSH.example.com"), err.toString());
        assertEquals("Host ssh.example.com\n  ProxyCommand \"access\" ssh --hostname %h\n", out.toString());
    }

    @Test
    void shortLivedCertificateBlock() {
        assertEquals(
                0,
                run(
                        env("/opt/portless/scripts/access"),
                        "ssh-config",
                        "--hostname",
                        "ssh.example.com",
                        "--short-lived-cert"),
                err.toString());
        Path key = config.resolve("tokens").resolve("ssh.example.com-ssh-key");
        assertEquals(
                "Match host ssh.example.com exec \"/opt/portless/scripts/access ssh-gen --hostname %h\"\n"
                        + "  IdentityFile " + key + "\n"
                        + "  CertificateFile " + key + "-cert.pub\n"
                        + "\n"
                        + "Host ssh.example.com\n"
                        + "  ProxyCommand \"/opt/portless/scripts/access\" ssh --hostname %h\n",
                out.toString());
    }

    @Test
    void launcherWithSpacesAndEdgeOptionsAreQuoted() {
        assertEquals(
                0,
                run(
                        env("/home/a b/access"),
                        "ssh-config",
                        "--hostname",
                        "ssh.example.com",
                        "--short-lived-cert",
                        "--edge",
                        "https://edge.example.com"),
                err.toString());
        String text = out.toString();
        assertEquals(
                true,
                text.startsWith("Match host ssh.example.com exec \"'/home/a b/access' ssh-gen --hostname %h"
                        + " --edge https://edge.example.com\"\n"),
                text);
        assertEquals(
                true,
                text.endsWith(
                        "  ProxyCommand \"/home/a b/access\" ssh --hostname %h" + " --edge https://edge.example.com\n"),
                text);
    }
}
