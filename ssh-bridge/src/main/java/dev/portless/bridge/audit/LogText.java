package dev.portless.bridge.audit;

/**
 * Text a client chose (certificate key ids, principals, host names) made safe for a log line:
 * quoted, control characters escaped, and cut to a sane length, so a crafted certificate cannot forge
 * log lines or flood the log.
 */
public final class LogText {

    static final int MAX_CHARS = 256;

    private LogText() {}

    /** Returns {@code text} in double quotes with quotes, backslashes and control characters escaped. */
    public static String quote(String text) {
        if (text == null) {
            return "(none)";
        }
        final StringBuilder buf = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 8).append('"');
        for (int i = 0; i < text.length(); i++) {
            if (i == MAX_CHARS) {
                buf.append("...");
                break;
            }
            final char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                buf.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                buf.append(String.format("\\u%04x", (int) c));
            } else {
                buf.append(c);
            }
        }
        return buf.append('"').toString();
    }
}
