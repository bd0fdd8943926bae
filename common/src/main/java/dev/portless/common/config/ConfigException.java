package dev.portless.common.config;

import static java.util.Objects.requireNonNull;

/**
 * A configuration mistake as one sentence a user can act on, in the form
 * {@code <file>:<line>: <rule path>: <problem>}, e.g.
 * {@code connector.yml:7: ingress[2].service: unknown scheme "ftp" (expected: tcp, ssh, rdp, smb, http_status)}.
 *
 * <p>File-level problems (missing, unreadable, too large) have no line and read {@code <file>: <problem>};
 * YAML syntax errors have a line but no rule path.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String path;
    private final String problem;

    /**
     * Returns an error about the value at {@code path} on {@code line} (1-based) of {@code file}.
     * An empty {@code path} means the problem concerns the document as a whole.
     */
    public ConfigException(String file, int line, String path, String problem) {
        this(file, line, path, problem, null);
    }

    /** Returns an error about the value at {@code path}, caused by {@code cause}. */
    public ConfigException(String file, int line, String path, String problem, Throwable cause) {
        super(
                format(
                        requireNonNull(file, "file"),
                        line,
                        requireNonNull(path, "path"),
                        requireNonNull(problem, "problem")),
                cause);
        if (line < 1) {
            throw new IllegalArgumentException("line: " + line + " (expected: >= 1)");
        }
        this.file = file;
        this.line = line;
        this.path = path;
        this.problem = problem;
    }

    /** Returns an error about {@code file} as a whole: missing, unreadable, too large. */
    public ConfigException(String file, String problem) {
        this(file, problem, null);
    }

    /** Returns an error about {@code file} as a whole, caused by {@code cause}. */
    public ConfigException(String file, String problem, Throwable cause) {
        super(requireNonNull(file, "file") + ": " + requireNonNull(problem, "problem"), cause);
        this.file = file;
        this.line = 0;
        this.path = "";
        this.problem = problem;
    }

    /** Returns the file name as the user gave it. */
    public String file() {
        return file;
    }

    /** Returns the 1-based line of the mistake, or 0 when the problem concerns the whole file. */
    public int line() {
        return line;
    }

    /** Returns the rule path such as {@code ingress[2].service}, or an empty string. */
    public String path() {
        return path;
    }

    /** Returns the problem without the file, line and path prefix. */
    public String problem() {
        return problem;
    }

    private static String format(String file, int line, String path, String problem) {
        final StringBuilder buf =
                new StringBuilder(file).append(':').append(line).append(": ");
        if (!path.isEmpty()) {
            buf.append(path).append(": ");
        }
        return buf.append(problem).toString();
    }
}
