package dev.portless.access.login;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The opener of the user's browser: {@code $BROWSER}, else {@code xdg-open} on Linux and
 * other Unixes, {@code open} on macOS, {@code rundll32 url.dll,FileProtocolHandler} on Windows.
 *
 * <p>The URL is one argument of a {@link ProcessBuilder}, never part of a shell string. The opener
 * gets no stdin and its output is discarded: under {@code access ssh} stdout is the SSH stream.
 */
public final class SystemBrowser implements BrowserOpener {
    private final Map<String, String> env;
    private final String osName;

    /** Returns an opener for {@code env} (its {@code BROWSER}) on the operating system {@code osName}. */
    public SystemBrowser(Map<String, String> env, String osName) {
        this.env = requireNonNull(env, "env");
        this.osName = requireNonNull(osName, "osName");
    }

    @Override
    public void open(URI uri) throws IOException {
        new ProcessBuilder(command(uri.toString()))
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        // Not waited for: some openers stay until the browser exits.
    }

    /**
     * Returns the command for {@code url}. {@code $BROWSER} is split on spaces (no shell); a
     * {@code %s} in it is replaced by the URL, else the URL is the last argument.
     */
    List<String> command(String url) {
        String browser = env.get("BROWSER");
        if (browser != null && !browser.isBlank()) {
            List<String> cmd = new ArrayList<>();
            boolean placed = false;
            for (String part : browser.trim().split("\\s+")) {
                if (part.contains("%s")) {
                    cmd.add(part.replace("%s", url));
                    placed = true;
                } else {
                    cmd.add(part);
                }
            }
            if (!placed) {
                cmd.add(url);
            }
            return cmd;
        }
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            return List.of("rundll32", "url.dll,FileProtocolHandler", url);
        }
        if (os.startsWith("mac")) {
            return List.of("open", url);
        }
        return List.of("xdg-open", url);
    }

    private File nullDevice() {
        return new File(osName.toLowerCase(Locale.ROOT).startsWith("windows") ? "NUL" : "/dev/null");
    }
}
