package dev.portless.bridge;

/** The entry point of the {@code ssh-bridge} program. */
public final class SshBridgeMain {

    private SshBridgeMain() {}

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        configureLogging();
        System.exit(SshBridgeCommand.commandLine().execute(args));
    }

    /**
     * Sets slf4j-simple's defaults before the first logger exists: timestamps, the bridge's own lines at
     * info, and MINA's at warn (its info lines are per-packet chatter). {@code -D} flags still win.
     */
    private static void configureLogging() {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "info");
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.sshd", "warn");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
