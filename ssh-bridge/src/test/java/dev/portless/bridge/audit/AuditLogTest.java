package dev.portless.bridge.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

    @TempDir
    Path dir;

    @Test
    void appendsOneParseableObjectPerLineInAnOwnerOnlyFile() throws Exception {
        final Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(file)) {
            log.write(new JsonLine()
                    .put("type", "session")
                    .put("key_id", "evil\"\n{\"type\":\"forged\"}")
                    .put("principal", (String) null)
                    .put("bytes", 42L)
                    .put("auth_refusals", List.of("a\tb", "\u2028")));
            log.write(new JsonLine().put("type", "channel"));
        }

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        final List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size(), "a value must never start a line of its own");
        final Map<String, Object> first = JSONObjectUtils.parse(lines.get(0));
        assertEquals("evil\"\n{\"type\":\"forged\"}", first.get("key_id"));
        assertNull(first.get("principal"));
        assertEquals(42L, ((Number) first.get("bytes")).longValue());
        assertEquals(List.of("a\tb", "\u2028"), first.get("auth_refusals"));
        assertEquals("channel", JSONObjectUtils.parse(lines.get(1)).get("type"));
    }

    @Test
    void narrowsAnExistingFileToTheOwner() throws Exception {
        final Path file = Files.writeString(dir.resolve("audit.jsonl"), "{\"type\":\"old\"}\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        try (AuditLog log = AuditLog.open(file)) {
            log.write(new JsonLine().put("type", "new"));
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of("{\"type\":\"old\"}", "{\"type\":\"new\"}"), Files.readAllLines(file));
    }

    @Test
    void quotesClientTextForLogLines() {
        assertEquals("\"a\\\"b\\u000ac\"", LogText.quote("a\"b\nc"));
        assertEquals("(none)", LogText.quote(null));
        assertEquals(LogText.MAX_CHARS + 5, LogText.quote("x".repeat(1000)).length());
    }
}
