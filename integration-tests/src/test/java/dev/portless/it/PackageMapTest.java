package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.peers.RepositoryRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The check that docs/architecture.md's package map says what the code does: every package of the
 * programs has a line, every project package it imports is on that line, and no two packages
 * import each other, directly or round a longer loop.
 */
class PackageMapTest {
    private static final Path ROOT = RepositoryRoot.get();
    private static final List<String> MODULES = List.of("common", "connector", "access-client", "ssh-bridge", "bench");
    private static final String PREFIX = "dev.portless.";
    private static final Pattern PACKAGE = Pattern.compile("^package (dev\\.portless\\.[\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT =
            Pattern.compile("^import (?:static )?(dev\\.portless\\.[a-z0-9_.]+?)\\.[A-Z]", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\b(dev\\.portless\\.[a-z0-9_.]+?)\\.[A-Z]");
    private static final Pattern MAP_LINE = Pattern.compile("^- `([a-z0-9.]+)`: .*May import: (.*)$");
    private static final Pattern NAMED = Pattern.compile("`([a-z0-9.]+)`");

    @Test
    void everyPackageHasALineAndImportsOnlyWhatItLists() throws IOException {
        Map<String, Set<String>> code = importsInCode();
        Map<String, Set<String>> map = packageMap();

        Set<String> withoutLine = new TreeSet<>(code.keySet());
        withoutLine.removeAll(map.keySet());
        assertEquals(Set.of(), withoutLine, "packages without a line in docs/architecture.md's package map");

        Set<String> gone = new TreeSet<>(map.keySet());
        gone.removeAll(code.keySet());
        assertEquals(Set.of(), gone, "package map lines for packages that no longer exist");

        List<String> unlisted = new ArrayList<>();
        code.forEach((pkg, imports) -> {
            for (String imported : imports) {
                if (!map.get(pkg).contains(imported)) {
                    unlisted.add(pkg + " imports " + imported);
                }
            }
        });
        assertEquals(List.of(), unlisted, "imports the package map does not list (add them to the line, or move code)");
    }

    @Test
    void noPackageReachesItselfThroughItsImports() throws IOException {
        Map<String, Set<String>> code = importsInCode();
        List<String> loops = new ArrayList<>();
        for (String start : code.keySet()) {
            if (reaches(code, start, start, new HashSet<>())) {
                loops.add(start);
            }
        }
        assertTrue(loops.isEmpty(), "packages that import themselves round a loop: " + loops);
    }

    private static boolean reaches(Map<String, Set<String>> graph, String from, String target, Set<String> seen) {
        for (String next : graph.getOrDefault(from, Set.of())) {
            if (next.equals(target)) {
                return true;
            }
            if (seen.add(next) && reaches(graph, next, target, seen)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Set<String>> importsInCode() throws IOException {
        Map<String, String> sources = new TreeMap<>();
        for (String module : MODULES) {
            Path main = ROOT.resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(main)) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> sources.put(f.toString(), read(f)));
            }
        }
        Map<String, Set<String>> imports = new TreeMap<>();
        Map<String, String> packageOf = new TreeMap<>();
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Matcher m = PACKAGE.matcher(source.getValue());
            assertTrue(m.find(), "no package declaration in " + source.getKey());
            packageOf.put(source.getKey(), m.group(1));
            imports.putIfAbsent(m.group(1), new TreeSet<>());
        }
        for (Map.Entry<String, String> source : sources.entrySet()) {
            String pkg = packageOf.get(source.getKey());
            for (Pattern p : List.of(IMPORT, QUALIFIED)) {
                Matcher m = p.matcher(source.getValue());
                while (m.find()) {
                    String used = m.group(1);
                    if (!used.equals(pkg) && imports.containsKey(used)) {
                        imports.get(pkg).add(used);
                    }
                }
            }
        }
        Map<String, Set<String>> shortNames = new TreeMap<>();
        imports.forEach((pkg, used) -> {
            Set<String> names = new TreeSet<>();
            used.forEach(u -> names.add(u.substring(PREFIX.length())));
            shortNames.put(pkg.substring(PREFIX.length()), names);
        });
        return shortNames;
    }

    private static Map<String, Set<String>> packageMap() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/architecture.md"));
        int start = doc.indexOf("\n## Package map");
        assertTrue(start >= 0, "docs/architecture.md has no \"## Package map\" section");
        Map<String, Set<String>> map = new TreeMap<>();
        for (String line : doc.substring(start).split("\n")) {
            Matcher m = MAP_LINE.matcher(line);
            if (m.matches()) {
                Set<String> allowed = new TreeSet<>();
                Matcher named = NAMED.matcher(m.group(2));
                while (named.find()) {
                    allowed.add(named.group(1));
                }
                map.put(m.group(1), allowed);
            }
        }
        return map;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
