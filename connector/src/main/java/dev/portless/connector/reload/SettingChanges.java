package dev.portless.connector.reload;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What differs between two versions of a configuration file, in the words a reload reports: entries of a named
 * list added, removed or changed, and the single settings that differ.
 */
public final class SettingChanges {
    private final List<String> described = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    /**
     * Notes the entries of {@code what} (say "apps") added, removed or changed between {@code before} and
     * {@code after}, each map keyed by the entry's name.
     */
    public <T> SettingChanges entries(String what, Map<String, T> before, Map<String, T> after) {
        requireNonNull(what, "what");
        requireNonNull(before, "before");
        requireNonNull(after, "after");
        List<String> parts = new ArrayList<>();
        part(parts, "added", new TreeSet<>(after.keySet()), before);
        part(parts, "removed", new TreeSet<>(before.keySet()), after);
        TreeSet<String> changed = new TreeSet<>();
        before.forEach((name, value) -> {
            if (after.containsKey(name) && !Objects.equals(value, after.get(name))) {
                changed.add(name);
            }
        });
        if (!changed.isEmpty()) {
            parts.add("changed " + String.join(", ", changed));
        }
        if (!parts.isEmpty()) {
            described.add(what + " " + String.join(", ", parts));
        }
        return this;
    }

    private static void part(List<String> parts, String verb, TreeSet<String> names, Map<String, ?> other) {
        names.removeAll(other.keySet());
        if (!names.isEmpty()) {
            parts.add(verb + " " + String.join(", ", names));
        }
    }

    /**
     * Notes the setting {@code name} when {@code before} and {@code after} differ, by name only: a value may
     * hold a secret (a database URL), and the report goes to logs.
     */
    public SettingChanges setting(String name, Object before, Object after) {
        requireNonNull(name, "name");
        if (!Objects.equals(before, after)) {
            described.add(name + " changed");
            names.add(name);
        }
        return this;
    }

    /** Returns each change as a phrase: "apps added a, removed b", "tls changed". */
    public List<String> described() {
        return List.copyOf(described);
    }

    /** Returns the names of the single settings that differ, in the order they were compared. */
    public List<String> names() {
        return List.copyOf(names);
    }
}
