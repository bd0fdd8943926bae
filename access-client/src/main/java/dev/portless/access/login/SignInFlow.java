package dev.portless.access.login;

import java.util.Locale;
import java.util.Map;

/**
 * The ways the CLI signs in: through a browser on this machine (loopback redirect), or with a
 * code typed on another device (device flow).
 */
public enum SignInFlow {
    /** RFC 8252: the browser on this machine redirects to a listener on 127.0.0.1. */
    BROWSER,
    /** RFC 8628: the user opens a page on any device and types a code. */
    DEVICE;

    /**
     * Returns the device flow when asked for, or when this machine likely has no browser the user
     * can see: an SSH session ({@code SSH_CONNECTION}), or Linux (and other Unixes) without
     * {@code DISPLAY} or {@code WAYLAND_DISPLAY}; the browser flow otherwise.
     */
    public static SignInFlow choose(boolean deviceRequested, Map<String, String> env, String osName) {
        if (deviceRequested || isSet(env, "SSH_CONNECTION")) {
            return DEVICE;
        }
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows") || os.startsWith("mac")) {
            return BROWSER;
        }
        return isSet(env, "DISPLAY") || isSet(env, "WAYLAND_DISPLAY") ? BROWSER : DEVICE;
    }

    private static boolean isSet(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }
}
