package dev.portless.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** What {@link ConfigNode#load} and {@link ConfigNode#parse} refuse before any key is read. */
class ConfigDocumentTest {

    @TempDir
    Path dir;

    private static ConfigException assertError(String message, Executable executable) {
        final ConfigException e = assertThrows(ConfigException.class, executable);
        assertEquals(message, e.getMessage());
        return e;
    }

    @Test
    void loadsAFile() throws IOException {
        final Path file = dir.resolve("connector.yml");
        Files.writeString(file, "\uFEFFedge: edge.example.com:7844\n");
        final ConfigNode root = ConfigNode.load(file);
        assertEquals("edge.example.com:7844", root.requireString("edge"));
        assertEquals(dir, root.baseDir());
        assertEquals(file.toString(), root.file());
    }

    @Test
    void missingFile() {
        final Path file = dir.resolve("nope.yml");
        final ConfigException e = assertError(file + ": file not found (check the path)", () -> ConfigNode.load(file));
        assertEquals(0, e.line());
    }

    @Test
    void directoryInsteadOfFile() {
        assertError(
                dir + ": is a directory, not a configuration file (name the YAML file)", () -> ConfigNode.load(dir));
    }

    @Test
    void notUtf8() throws IOException {
        final Path file = dir.resolve("latin1.yml");
        Files.write(file, "name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertError(file + ": file is not UTF-8 text (save it as UTF-8)", () -> ConfigNode.load(file));
    }

    @Test
    void tooLarge() throws IOException {
        final Path file = dir.resolve("big.yml");
        Files.writeString(file, "# " + "x".repeat(ConfigDocument.MAX_CHARS) + "\n");
        assertError(
                file + ": file is larger than 1 MiB (check that this is the right file)", () -> ConfigNode.load(file));
        assertError(
                "big.yml: file is larger than 1 MiB (check that this is the right file)",
                () -> ConfigNode.parse("big.yml", Files.readString(file)));
    }

    @Test
    void syntaxErrorNamesTheProblemLine() {
        final ConfigException e = assertError(
                "c.yml:3: YAML syntax error at column 23: mapping values are not allowed here "
                        + "(check the indentation and quoting)",
                () -> ConfigNode.parse("c.yml", """
                        edge: a:1
                        ingress:
                          - service: tcp://a:1: x
                        """));
        assertEquals(3, e.line());
    }

    @Test
    void badIndentationIsASyntaxError() {
        final ConfigException e = assertThrows(ConfigException.class, () -> ConfigNode.parse("c.yml", """
                tls:
                  certificate: a
                 key: b
                """));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().startsWith("c.yml:3: YAML syntax error"), e.getMessage());
    }

    @Test
    void emptyFileIsAnEmptyMapping() {
        final ConfigNode root = ConfigNode.parse("c.yml", "# nothing yet\n");
        assertEquals(1, root.line());
        assertError("c.yml:1: missing required key \"ingress\"", () -> root.requireString("ingress"));
    }

    @Test
    void topLevelMustBeAMapping() {
        assertError(
                "c.yml:1: expected keys with values at the top level (key: value), got a list",
                () -> ConfigNode.parse("c.yml", "- a\n- b\n"));
    }

    @Test
    void duplicateKeyNamesTheSecondOccurrence() {
        assertError(
                "e.yml:4: tls.key: duplicate key, first given on line 3 (remove one of the two)",
                () -> ConfigNode.parse("e.yml", """
                        tls:
                          certificate: a
                          key: b
                          key: c
                        """));
    }

    @Test
    void aliasesAreRefusedOnTheAliasLine() {
        assertError(
                "e.yml:5: b: YAML anchors and aliases (&name, *name) are not supported "
                        + "(write the value out in full)",
                () -> ConfigNode.parse("e.yml", """
                        a: &x
                          k: v
                        # an alias below
                        c: 1
                        b: *x
                        """));
    }

    @Test
    void scalarAliasesAndMergeKeysAreRefused() {
        assertError(
                "e.yml:2: b: YAML anchors and aliases (&name, *name) are not supported "
                        + "(write the value out in full)",
                () -> ConfigNode.parse("e.yml", "a: &x text\nb: *x\n"));
        assertError(
                "e.yml:4: b.<<: YAML anchors and aliases (&name, *name) are not supported "
                        + "(write the value out in full)",
                () -> ConfigNode.parse("e.yml", "a: &base\n  k: v\nb:\n  <<: *base\n"));
    }

    @Test
    void billionLaughsIsRefusedWithoutExpanding() {
        final StringBuilder yaml = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            final char p = (char) (c - 1);
            yaml.append(c)
                    .append(": &")
                    .append(c)
                    .append(" [*")
                    .append(p)
                    .append(",*")
                    .append(p)
                    .append(",*")
                    .append(p)
                    .append(",*")
                    .append(p)
                    .append("]\n");
        }
        final ConfigException e = assertThrows(ConfigException.class, () -> ConfigNode.parse("b.yml", yaml.toString()));
        assertTrue(e.getMessage().contains("aliases"), e.getMessage());
    }

    @Test
    void recursiveAliasIsRefused() {
        final ConfigException e =
                assertThrows(ConfigException.class, () -> ConfigNode.parse("r.yml", "a: &x [1, *x]\n"));
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("aliases"), e.getMessage());
    }

    @Test
    void complexKeysAreRefused() {
        assertError(
                "k.yml:1: keys must be plain names, got a list as a key",
                () -> ConfigNode.parse("k.yml", "? [a, b]\n: c\n"));
    }

    @Test
    void multipleDocumentsAreRefused() {
        final ConfigException e =
                assertThrows(ConfigException.class, () -> ConfigNode.parse("m.yml", "a: 1\n---\nb: 2\n"));
        assertEquals(2, e.line());
    }
}
