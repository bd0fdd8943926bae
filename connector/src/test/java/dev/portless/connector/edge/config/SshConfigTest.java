package dev.portless.connector.edge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.config.ConfigException;
import dev.portless.connector.edge.sshca.SshPermission;
import dev.portless.connector.edge.sshca.SshRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshConfigTest {
    private static final String BASE = """
            tls:
              certificate: edge.crt
              key: edge.key
            tunnels:
              - name: office
                id: 6f1c2b9e-0d4a-4f3e-9a57-2c8e1b7d5a10
                secret-sha256: %s
            """.formatted("a".repeat(64));

    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void setUp() throws IOException {
        file = dir.resolve("edge.yml");
        Files.writeString(dir.resolve("edge.crt"), "x\n");
        Files.writeString(dir.resolve("edge.key"), "x\n");
    }

    private EdgeConfig load(String yaml) throws IOException {
        Files.writeString(file, BASE + yaml);
        return EdgeConfig.load(file);
    }

    private void assertError(String message, String yaml) throws IOException {
        Files.writeString(file, BASE + yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> EdgeConfig.load(file));
        assertEquals(file + ":" + message, e.getMessage());
    }

    @Test
    void defaults() throws IOException {
        EdgeConfig c = load("apps:\n  - {hostname: a.example.com, tunnel: office}\n"
                + "  - {hostname: b.example.com, tunnel: office, ssh: {}}\n");
        assertEquals(dir.resolve("state").resolve("ssh-ca"), c.sshCa().keyFile());
        assertEquals(Duration.ofMinutes(5), c.sshCa().certificateLifetime());
        assertEquals(Optional.empty(), c.apps().get(0).ssh());
        SshRule ssh = c.apps().get(1).ssh().orElseThrow();
        assertEquals(SshRule.defaults(), ssh);
        assertEquals(Set.of(SshPermission.PTY, SshPermission.PORT_FORWARDING), ssh.permissions());
        assertEquals(List.of("ada.l"), ssh.principalsFor(Optional.of("Ada.L@example.com"), List.of()));
        assertEquals(List.of(), ssh.principalsFor(Optional.empty(), List.of()));
    }

    @Test
    void explicitSettings() throws IOException {
        EdgeConfig c = load("""
                state-dir: st
                ssh-ca:
                  key-file: keys/ca
                  certificate-lifetime: 2m
                apps:
                  - hostname: ssh.example.com
                    tunnel: office
                    ssh:
                      principals: [deploy, {group: admins, principals: [root, ops]}]
                      permissions: [pty, agent-forwarding]
                """);
        assertEquals(dir.resolve("keys/ca"), c.sshCa().keyFile());
        assertEquals(Duration.ofMinutes(2), c.sshCa().certificateLifetime());
        SshRule ssh = c.apps().get(0).ssh().orElseThrow();
        assertEquals(Set.of(SshPermission.PTY, SshPermission.AGENT_FORWARDING), ssh.permissions());
        assertEquals(List.of("deploy"), ssh.principalsFor(Optional.of("ada@example.com"), List.of("dev")));
        assertEquals(
                List.of("deploy", "root", "ops"), ssh.principalsFor(Optional.of("ada@example.com"), List.of("admins")));
        assertTrue(load("state-dir: st\napps: []\n").sshCa().keyFile().endsWith(Path.of("st", "ssh-ca")));
    }

    @Test
    void emailLocalPartCombinesWithGroups() throws IOException {
        SshRule ssh = load("apps:\n  - hostname: s.example.com\n    tunnel: office\n    ssh:\n"
                        + "      principals: [email-local-part, {group: admins, principals: [root]}]\n")
                .apps()
                .get(0)
                .ssh()
                .orElseThrow();
        assertEquals(List.of("ada", "root"), ssh.principalsFor(Optional.of("ada@example.com"), List.of("admins")));
    }

    @Test
    void mistakesNameFileAndLine() throws IOException {
        assertError(
                "9: ssh-ca.lifetime: unknown key (expected one of: certificate-lifetime, key-file)",
                "ssh-ca:\n  lifetime: 5m\n");
        assertError(
                "12: apps[0].ssh.principal: unknown key (expected one of: permissions, principals)",
                "apps:\n  - hostname: s.example.com\n    tunnel: office\n    ssh:\n      principal: [root]\n");
        assertError(
                "12: apps[0].ssh.permissions[1]: unknown permission \"x11\" (expected one of: pty, "
                        + "port-forwarding, agent-forwarding)",
                "apps:\n  - hostname: s.example.com\n    tunnel: office\n    ssh:\n      permissions: [pty, x11]\n");
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> load(
                        "apps:\n  - hostname: s.example.com\n    tunnel: office\n    ssh:\n      principals: [\"a,b\"]\n"));
        assertTrue(e.getMessage().contains(":12: apps[0].ssh.principals[0]: principal \"a,b\""), e.getMessage());
        e = assertThrows(
                ConfigException.class,
                () -> load(
                        "apps:\n  - hostname: s.example.com\n    tunnel: office\n    ssh:\n      principals: everyone\n"));
        assertTrue(e.getMessage().contains(":12: apps[0].ssh.principals: \"everyone\" is not a mode"), e.getMessage());
        e = assertThrows(
                ConfigException.class,
                () -> load("apps:\n  - hostname: s.example.com\n    tunnel: office\n"
                        + "    ssh:\n      principals: [{group: g, principal: [root]}]\n"));
        assertTrue(e.getMessage().contains(":12: apps[0].ssh.principals[0].principal: unknown key"), e.getMessage());
    }
}
