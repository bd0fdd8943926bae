package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.peers.RepositoryRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/security.md names a test on every line; this fails when a named test class or method no longer
 * exists, so the checklist cannot claim a check nobody runs.
 */
class SecurityChecklistTest {
    private static final Path ROOT = RepositoryRoot.get();
    private static final Pattern METHOD = Pattern.compile("`([A-Z][A-Za-z0-9]+Test)\\.([a-z][A-Za-z0-9]+)`");
    private static final Pattern CLASS = Pattern.compile("`([A-Z][A-Za-z0-9]+Test)`");
    private static final Pattern ROW = Pattern.compile("(?m)^\\| (\\d+) \\|.*\\|$");

    @Test
    void everyTestTheChecklistNamesExists() throws IOException {
        final String checklist = Files.readString(ROOT.resolve("docs/security.md"));
        final Map<String, List<String>> tests = testSources();
        final Set<String> missing = new TreeSet<>();
        final Matcher m = METHOD.matcher(checklist);
        while (m.find()) {
            final String method = m.group(2);
            final List<String> sources = tests.getOrDefault(m.group(1), List.of());
            if (sources.stream().noneMatch(s -> s.contains(" void " + method + "("))) {
                missing.add(m.group(1) + "." + method);
            }
        }
        final Matcher c = CLASS.matcher(checklist);
        while (c.find()) {
            if (!tests.containsKey(c.group(1))) {
                missing.add(c.group(1));
            }
        }
        assertEquals(Set.of(), missing, "docs/security.md names tests that do not exist");

        final Matcher row = ROW.matcher(checklist);
        int rows = 0;
        while (row.find()) {
            rows++;
            assertEquals(rows, Integer.parseInt(row.group(1)), "rows are numbered 1, 2, 3...");
            assertTrue(row.group().contains("Test"), "row " + rows + " names no test");
        }
        assertTrue(checklist.contains("Counts: " + rows + " lines checked"), "the count says " + rows);
    }

    private static Map<String, List<String>> testSources() throws IOException {
        final Map<String, List<String>> sources = new HashMap<>();
        for (String module : List.of("common", "connector", "access-client", "ssh-bridge", "integration-tests")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/test/java"))) {
                for (Path f :
                        files.filter(p -> p.toString().endsWith("Test.java")).toList()) {
                    final String name = f.getFileName().toString().replace(".java", "");
                    sources.computeIfAbsent(name, k -> new ArrayList<>()).add(read(f));
                }
            }
        }
        return sources;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
