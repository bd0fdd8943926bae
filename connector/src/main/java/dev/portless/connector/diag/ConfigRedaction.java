package dev.portless.connector.diag;

import static java.util.Objects.requireNonNull;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The redaction of a YAML settings file for a support bundle: the value of every key that names a secret
 * is replaced, and so is any value that looks like a token or a key, whatever its key is called, so that
 * a secret pasted under an unexpected name does not leave the machine either.
 */
public final class ConfigRedaction {
    /** What replaces a secret value. */
    public static final String REDACTED = "[redacted]";

    // key: value, "- key: value" in a list, with the key's indentation kept.
    private static final Pattern KEY_VALUE = Pattern.compile("^(\\s*(?:-\\s+)?)([A-Za-z0-9_.-]+)(\\s*:\\s*)(\\S.*)$");
    private static final Pattern SECRET_KEY =
            Pattern.compile("(?i).*(secret|password|passwd|token|private|api-?key).*");
    // JWTs, and long base64, base64url or hex runs: tunnel tokens, secrets, hashes. Dots and slashes end a
    // run, so host names and paths stay readable.
    private static final Pattern SECRET_LOOKING =
            Pattern.compile("[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}|[A-Za-z0-9+_=-]{32,}");
    private static final Pattern PEM_BLOCK =
            Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", Pattern.DOTALL);

    private ConfigRedaction() {}

    /** Returns {@code yaml} with every secret value replaced by {@link #REDACTED}; lines and comments stay. */
    public static String redact(String yaml) {
        requireNonNull(yaml, "yaml");
        String text = PEM_BLOCK.matcher(yaml).replaceAll(REDACTED);
        StringBuilder out = new StringBuilder(text.length());
        for (String line : text.split("\n", -1)) {
            out.append(redactLine(line)).append('\n');
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }

    private static String redactLine(String line) {
        Matcher kv = KEY_VALUE.matcher(line);
        if (kv.matches() && SECRET_KEY.matcher(kv.group(2)).matches() && !isFileReference(kv.group(2))) {
            return kv.group(1) + kv.group(2) + kv.group(3) + REDACTED;
        }
        return SECRET_LOOKING.matcher(line).replaceAll(REDACTED);
    }

    // A key ending in -file names where a secret is, which support needs to see, not the secret itself.
    private static boolean isFileReference(String key) {
        return key.endsWith("-file") || key.endsWith("-path") || key.endsWith("-dir");
    }
}
