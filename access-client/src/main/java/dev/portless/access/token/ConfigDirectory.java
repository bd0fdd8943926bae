package dev.portless.access.token;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where {@code access} keeps its files: {@code PORTLESS_CONFIG_DIR} when set, else the
 * platform's per-user configuration directory.
 */
public final class ConfigDirectory {
    /** Overrides the directory on every platform. */
    public static final String ENV = "PORTLESS_CONFIG_DIR";

    private ConfigDirectory() {}

    /** Returns the configuration directory for {@code env} on this operating system. */
    public static Path resolve(Map<String, String> env) {
        return resolve(env, System.getProperty("os.name", ""), System.getProperty("user.home", "."));
    }

    /**
     * Returns the configuration directory: {@code $XDG_CONFIG_HOME/portless} or
     * {@code ~/.config/portless} on Linux and other Unixes, {@code ~/Library/Application Support/portless}
     * on macOS, {@code %APPDATA%\portless} on Windows.
     */
    static Path resolve(Map<String, String> env, String osName, String userHome) {
        requireNonNull(env, "env");
        String override = env.get(ENV);
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath();
        }
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String appData = env.get("APPDATA");
            return appData != null && !appData.isBlank()
                    ? Path.of(appData, "portless")
                    : Path.of(userHome, "AppData", "Roaming", "portless");
        }
        if (os.startsWith("mac")) {
            return Path.of(userHome, "Library", "Application Support", "portless");
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        // The XDG spec says a relative value is invalid and must be ignored.
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "portless");
        }
        return Path.of(userHome, ".config", "portless");
    }
}
