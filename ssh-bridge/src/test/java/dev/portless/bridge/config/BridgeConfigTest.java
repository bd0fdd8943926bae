package dev.portless.bridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.bridge.forward.Resolver;
import dev.portless.bridge.testing.OpenSsh;
import dev.portless.common.config.ConfigException;
import dev.portless.common.config.ConfigNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BridgeConfigTest {

    @TempDir
    Path dir;

    @Test
    void readsEveryKeyWithPathsRelativeToTheFile() throws IOException {
        OpenSsh.keygen(dir, "ca", "ed25519");
        final Path file = write(
                "bridge.yml",
                String.join(
                        "\n",
                        "listen: 0.0.0.0:2222",
                        "host-key: bridge_host_ed25519",
                        "trusted-user-ca-keys: [ca.pub]",
                        "audit-log: audit.jsonl",
                        "shell: true",
                        "allow-loopback: true",
                        "policy:",
                        "  - principals: \"*\"",
                        "    allow: [127.0.0.1:22]",
                        ""));

        final BridgeConfig config = BridgeConfig.load(file);

        assertEquals(new ListenAddress("0.0.0.0", 2222), config.listen());
        assertEquals(dir.resolve("bridge_host_ed25519"), config.hostKey());
        assertEquals(dir.resolve("audit.jsonl"), config.auditLog());
        assertEquals(1, config.trustedCaKeys().all().size());
        assertTrue(config.shell());
        assertFalse(config.policy().isEmpty());
    }

    @Test
    void defaultsToLoopbackNoShellAndAnEmptyPolicy() throws IOException {
        OpenSsh.keygen(dir, "ca", "ed25519");
        final BridgeConfig config = parse("host-key: k", "trusted-user-ca-keys: [ca.pub]", "audit-log: a.jsonl");
        assertEquals(new ListenAddress("127.0.0.1", 2222), config.listen());
        assertFalse(config.shell());
        assertTrue(config.policy().isEmpty());
        assertEquals(new ListenAddress("::1", 0), ListenAddress.parse("[::1]:0"));
    }

    @Test
    void mistakesNameFileLineAndKey() throws IOException {
        OpenSsh.keygen(dir, "ca", "ed25519");
        assertError(
                "bridge.yml:1: listen: port \"22x\" is not a number (expected: 1..65535)",
                "listen: 127.0.0.1:22x",
                "host-key: k",
                "trusted-user-ca-keys: [ca.pub]",
                "audit-log: a");
        assertError(
                "bridge.yml:1: missing required key \"host-key\"", "trusted-user-ca-keys: [ca.pub]", "audit-log: a");
        assertError("bridge.yml:1: missing required key \"trusted-user-ca-keys\"", "host-key: k", "audit-log: a");
        assertError(
                "bridge.yml:2: trusted-user-ca-keys[0]: cannot read the CA key file " + dir.resolve("nope.pub"),
                "host-key: k",
                "trusted-user-ca-keys: [nope.pub]",
                "audit-log: a");
        assertError(
                "bridge.yml:4: shell: \"yes\" is not a boolean (expected: true or false)",
                "host-key: k",
                "trusted-user-ca-keys: [ca.pub]",
                "audit-log: a",
                "shell: yes");
        assertError(
                "bridge.yml:3: audit-log: the directory of " + dir.resolve("missing/a.jsonl") + " does not exist",
                "host-key: k",
                "trusted-user-ca-keys: [ca.pub]",
                "audit-log: missing/a.jsonl");
        assertError(
                "bridge.yml:4: trusted-user-ca: unknown key (expected one of: allow-link-local, allow-loopback, "
                        + "audit-log, host-certificate, host-key, listen, policy, shell, trusted-user-ca-keys)",
                "host-key: k",
                "trusted-user-ca-keys: [ca.pub]",
                "audit-log: a",
                "trusted-user-ca: x");
    }

    @Test
    void caKeyFileMistakesNameTheCaFileAndLine() throws IOException {
        final Path ca = OpenSsh.keygen(dir, "ca", "ed25519");
        final Path user = OpenSsh.keygen(dir, "user", "ed25519");
        final Path cert = OpenSsh.sign(ca, OpenSsh.pub(user), "cert", "-I", "kid", "-n", "alice", "-V", "+5m");
        write("bad.pub", "# the CA\n\nssh-ed25519 not-base64 comment\n");
        assertError(
                dir.resolve("bad.pub") + ":3: not an OpenSSH public key",
                "host-key: k",
                "trusted-user-ca-keys: [bad.pub]",
                "audit-log: a");
        Files.copy(cert, dir.resolve("cert-as-ca.pub"));
        assertError(
                dir.resolve("cert-as-ca.pub") + ":1: a certificate is not a CA key",
                "host-key: k",
                "trusted-user-ca-keys: [cert-as-ca.pub]",
                "audit-log: a");
        write("empty.pub", "# nothing here\n");
        assertError(
                dir.resolve("empty.pub") + ": no CA public key in the file",
                "host-key: k",
                "trusted-user-ca-keys: [empty.pub]",
                "audit-log: a");
        final Path weak = OpenSsh.keygen(dir, "weak", "rsa", "-b", "1024");
        assertError(
                OpenSsh.pub(weak) + ":1: CA RSA key of 1024 bits is too short",
                "host-key: k",
                "trusted-user-ca-keys: [weak.pub]",
                "audit-log: a");
    }

    private BridgeConfig parse(String... lines) {
        return BridgeConfig.from(
                ConfigNode.parse(dir.resolve("bridge.yml").toString(), String.join("\n", lines) + "\n"),
                Resolver.system());
    }

    private void assertError(String expectedStart, String... lines) {
        final ConfigException e = assertThrows(ConfigException.class, () -> parse(lines));
        final String message = e.getMessage().replace(dir.resolve("bridge.yml").toString(), "bridge.yml");
        assertTrue(
                message.startsWith(expectedStart), () -> "expected <" + expectedStart + "...>, got <" + message + ">");
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
