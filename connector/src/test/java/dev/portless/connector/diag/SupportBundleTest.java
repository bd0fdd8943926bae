package dev.portless.connector.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupportBundleTest {
    @TempDir
    Path dir;

    @Test
    void theBundleIsOwnerOnlyAndHoldsRedactedConfigLogTailThreadsAndVersions() throws IOException {
        Path config = Files.writeString(dir.resolve("edge.yml"), "listen: 0.0.0.0:443\nclient-secret: topsecret\n");
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 40_000; i++) {
            log.append("line ").append(i).append('\n');
        }
        Path logFile = Files.writeString(dir.resolve("connector.log"), log);
        Path out = dir.resolve("bundle.zip");

        List<String> names = new SupportBundle(new BundleRequest(
                        List.of(config),
                        Optional.of(logFile),
                        Optional.empty(),
                        Optional.of(ProcessHandle.current().pid()),
                        "portless connector test"))
                .writeTo(out);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        Map<String, String> entries = read(out);
        assertEquals(names, List.copyOf(entries.keySet()));
        assertEquals("listen: 0.0.0.0:443\nclient-secret: [redacted]\n", entries.get("config/edge.yml"));
        String tail = entries.get("logs/connector.log");
        assertTrue(tail.endsWith("line 39999\n"));
        assertTrue(tail.length() <= DiagLimits.LOG_TAIL_BYTES);
        assertTrue(tail.startsWith("line "), "the tail starts at a whole line");
        assertTrue(entries.get("threads.txt").contains("\"main\""), entries.get("threads.txt"));
        assertTrue(entries.get("versions.txt").startsWith("portless connector test\n"));
        assertTrue(entries.get("notes.txt").contains("no --admin given"));
        assertFalse(String.join("", entries.values()).contains("topsecret"));
    }

    @Test
    void anExistingFileIsNeverOverwritten() throws IOException {
        Path out = Files.writeString(dir.resolve("bundle.zip"), "keep");

        assertThrows(
                FileAlreadyExistsException.class,
                () -> new SupportBundle(
                                new BundleRequest(List.of(), Optional.empty(), Optional.empty(), Optional.empty(), "v"))
                        .writeTo(out));
        assertEquals("keep", Files.readString(out));
    }

    private static Map<String, String> read(Path zip) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(zip);
                ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                entries.put(e.getName(), new String(z.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return entries;
    }
}
