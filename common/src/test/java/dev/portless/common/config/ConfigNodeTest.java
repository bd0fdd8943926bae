package dev.portless.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class ConfigNodeTest {

    @TempDir
    Path dir;

    private static void assertError(String message, Executable executable) {
        assertEquals(message, assertThrows(ConfigException.class, executable).getMessage());
    }

    private static ConfigNode parse(String yaml) {
        return ConfigNode.parse("test.yml", yaml);
    }

    @Test
    void readsStringsAsWritten() {
        final ConfigNode root = parse("""
                name: no
                port: 0800
                quoted: "  spaced "
                """);
        assertEquals("no", root.requireString("name"));
        assertEquals("0800", root.requireString("port"));
        assertEquals("  spaced ", root.requireString("quoted"));
        assertEquals(Optional.empty(), root.optionalString("absent"));
    }

    @Test
    void keyWithoutValueCountsAsAbsent() {
        final ConfigNode root = parse("""
                a:
                b: ~
                """);
        assertFalse(root.has("a"));
        assertFalse(root.has("b"));
        assertEquals(Optional.empty(), root.optionalString("a"));
        assertEquals(List.of(), root.list("b"));
        assertError("test.yml:1: a: has no value (write one after the colon)", () -> root.requireString("a"));
    }

    @Test
    void missingRequiredKeyNamesTheMappingLine() {
        final ConfigNode root = parse("""
                # comment
                apps:
                  - hostname: a.example.com
                  - hostname: b.example.com
                """);
        final ConfigNode second = root.list("apps").get(1);
        assertEquals("apps[1]", second.path());
        assertEquals(4, second.line());
        assertError("test.yml:4: apps[1]: missing required key \"tunnel\"", () -> second.requireString("tunnel"));
        assertError("test.yml:2: missing required key \"tls\"", () -> root.child("tls"));
    }

    @Test
    void emptyQuotedStringIsRefused() {
        final ConfigNode root = parse("name: \"\"\n");
        assertError(
                "test.yml:1: name: must not be empty (remove the key or give it a value)",
                () -> root.optionalString("name"));
    }

    @Test
    void wrongTypeNamesTheExpectedType() {
        final ConfigNode root = parse("""
                service:
                  - tcp://a:1
                tls: cert.pem
                ingress: text
                port: [1]
                """);
        assertError("test.yml:2: service: expected a string, got a list", () -> root.requireString("service"));
        assertError(
                "test.yml:3: tls: expected keys with values (key: value), got a single value", () -> root.child("tls"));
        assertError("test.yml:4: ingress: expected a list, got a single value", () -> root.list("ingress"));
        assertError(
                "test.yml:5: port: expected a whole number in 1..9, got a list", () -> root.intValue("port", 1, 1, 9));
    }

    @Test
    void listItemOfWrongKindIsReportedOnItsLine() {
        final ConfigNode root = parse("""
                ingress:
                  - service: a
                  - just-text
                """);
        final ConfigNode item = root.list("ingress").get(1);
        assertError(
                "test.yml:3: ingress[1]: expected keys with values (key: value), got a single value",
                () -> item.requireString("service"));
    }

    @Test
    void stringListReportsTheBadItem() {
        final ConfigNode root = parse("""
                names:
                  - a
                  - [b]
                """);
        assertError("test.yml:3: names[1]: expected a string, got a list", () -> root.stringList("names"));
        assertEquals(List.of("x", "y"), parse("names: [x, y]").stringList("names"));
    }

    @Test
    void intValueChecksRangeAndForm() {
        final ConfigNode root = parse("""
                a: 3
                b: 20
                c: two
                d: 2.5
                """);
        assertEquals(3, root.intValue("a", 2, 1, 16));
        assertEquals(2, root.intValue("absent", 2, 1, 16));
        assertError("test.yml:2: b: 20 is out of range (expected: 1..16)", () -> root.intValue("b", 2, 1, 16));
        assertError(
                "test.yml:3: c: \"two\" is not a whole number (expected: 1..16)", () -> root.intValue("c", 2, 1, 16));
        assertError(
                "test.yml:4: d: \"2.5\" is not a whole number (expected: 1..16)", () -> root.intValue("d", 2, 1, 16));
    }

    @Test
    void durationsAcceptShortFormsOnly() {
        final ConfigNode root = parse("""
                a: 500ms
                b: 10
                c: PT10S
                d: 10m
                """);
        assertEquals(Duration.ofMillis(500), root.duration("a", Duration.ZERO));
        assertEquals(Duration.ofSeconds(7), root.duration("absent", Duration.ofSeconds(7)));
        assertError(
                "test.yml:2: b: \"10\" has no unit (expected: a whole number with a unit: 500ms, 10s, 5m, 1h)",
                () -> root.duration("b", Duration.ZERO));
        assertError(
                "test.yml:3: c: \"PT10S\" is not a duration (expected: a whole number with a unit: "
                        + "500ms, 10s, 5m, 1h)",
                () -> root.duration("c", Duration.ZERO));
        assertError(
                "test.yml:4: d: 10m is out of range (expected: 1ms..5m)",
                () -> root.duration("d", Duration.ofSeconds(10), Duration.ofMillis(1), Duration.ofMinutes(5)));
    }

    @Test
    void unknownKeyIsReportedWithTheKnownOnes() {
        final ConfigNode root = parse("""
                listen: 0.0.0.0:443
                tls:
                  certficate: cert.pem
                  key: key.pem
                """);
        root.rejectUnknownKeys(Set.of("listen", "tls"));
        assertError(
                "test.yml:3: tls.certficate: unknown key (expected one of: certificate, key)",
                () -> root.child("tls").rejectUnknownKeys(Set.of("key", "certificate")));
    }

    @Test
    void errorsPointAtTheKeysValue() {
        final ConfigNode root = parse("""
                a: 1
                b:
                  c: x
                """);
        final ConfigNode b = root.child("b");
        assertEquals("test.yml:3: b.c: bad", b.error("c", "bad").getMessage());
        assertEquals("test.yml:3: b: bad", b.error("bad").getMessage());
        assertEquals("test.yml:1: a: bad", root.error("a", "bad").getMessage());
        final ConfigException e = b.error("c", "bad");
        assertEquals("test.yml", e.file());
        assertEquals(3, e.line());
        assertEquals("b.c", e.path());
        assertEquals("bad", e.problem());
    }

    @Test
    void pathsResolveAgainstTheConfigDirectory() {
        final ConfigNode root = ConfigNode.parse("/etc/portless/edge.yml", """
                relative: tls/cert.pem
                absolute: /srv/key.pem
                home: ~/creds.json
                """);
        assertEquals(Path.of("/etc/portless/tls/cert.pem"), root.requirePath("relative"));
        assertEquals(Path.of("/srv/key.pem"), root.requirePath("absolute"));
        assertEquals(Path.of(System.getProperty("user.home"), "creds.json"), root.requirePath("home"));
        assertEquals(Optional.empty(), root.optionalPath("absent"));
    }

    @Test
    void filesMustExist() throws IOException {
        Files.writeString(dir.resolve("cert.pem"), "x");
        final ConfigNode root = ConfigNode.parse(dir.resolve("edge.yml").toString(), """
                present: cert.pem
                missing: nope.pem
                directory: .
                """);
        assertEquals(dir.resolve("cert.pem"), root.requireFile("present"));
        assertError(
                dir.resolve("edge.yml") + ":2: missing: file not found: " + dir.resolve("nope.pem")
                        + " (check the path; relative paths start at the configuration file's directory)",
                () -> root.requireFile("missing"));
        assertError(
                dir.resolve("edge.yml") + ":3: directory: " + dir
                        + " is not a regular file (name a file, not a directory)",
                () -> root.optionalFile("directory"));
    }

    @Test
    void keysKeepFileOrder() {
        assertEquals(
                List.of("z", "a", "m"), List.copyOf(parse("z: 1\na: 2\nm: 3\n").keys()));
    }
}
