package dev.portless.access.login;

/**
 * The sentence for an OAuth error the edge answered during a sign-in, whether it came on
 * the browser's redirect or from the token endpoint.
 */
final class SignInErrors {
    private SignInErrors() {}

    static String sentence(String code, String description, String app) {
        String detail = description == null || description.isBlank() ? "" : " (" + clean(description) + ")";
        return switch (code) {
            case "access_denied" ->
                "Access to " + app + " was denied at sign-in" + detail
                        + "; ask the app's administrator for access, or sign in as someone else.";
            case "expired_token" ->
                "The device code expired before the sign-in finished; run `access login " + app + "` again.";
            case "temporarily_unavailable" ->
                "The edge cannot reach its identity provider right now" + detail + "; try again in a moment.";
            case "server_error" ->
                "The edge failed to finish the sign-in" + detail + "; try again, or check the edge's logs.";
            case "invalid_grant" ->
                "The edge refused the sign-in to " + app + detail + "; run `access login " + app
                        + "` again, or ask the app's administrator for access.";
            default -> "The edge refused the sign-in to " + app + ": " + clean(code) + detail + ".";
        };
    }

    /** Returns {@code s} on one line and bounded: it is the edge's text, shown on a terminal. */
    private static String clean(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 300));
        for (int i = 0; i < s.length() && b.length() < 300; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        String t = b.toString().trim();
        // The description sits inside our own sentence: drop its final period.
        return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }
}
