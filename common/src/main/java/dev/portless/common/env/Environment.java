package dev.portless.common.env;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The environment variables of a process as Portless reads them: a variable set to the empty string
 * counts as unset. {@code PORTLESS_EDGE_CA=} in a shell or an empty {@code env:} entry in a unit file
 * means "not configured", and read as a path it would name the current directory.
 */
public final class Environment {
    private Environment() {}

    /** Returns this process's environment without its empty variables. */
    public static Map<String, String> system() {
        return withoutEmpty(System.getenv());
    }

    /** Returns {@code variable}'s value in this process's environment, or empty when unset or empty. */
    public static Optional<String> variable(String variable) {
        requireNonNull(variable, "variable");
        String value = System.getenv(variable);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** Returns an unmodifiable copy of {@code env} without the variables whose value is the empty string. */
    public static Map<String, String> withoutEmpty(Map<String, String> env) {
        requireNonNull(env, "env");
        Map<String, String> kept = new HashMap<>(env.size());
        env.forEach((name, value) -> {
            if (value != null && !value.isEmpty()) {
                kept.put(name, value);
            }
        });
        return Collections.unmodifiableMap(kept);
    }
}
