package dev.portless.connector.cli;

import dev.portless.connector.reload.ConfigReload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP as "reload your configuration", the way daemons and systemd's {@code ExecReload=kill -HUP
 * $MAINPID} expect. The JDK has no public API for signals; {@code sun.misc.Signal} (module
 * jdk.unsupported) works on every JDK this project runs on, and this is the one class that uses it.
 */
final class HangupSignal {
    private static final Logger log = LoggerFactory.getLogger(HangupSignal.class);

    private HangupSignal() {}

    /** Runs {@code reload} on the JVM's signal thread at each SIGHUP; it logs its outcome, and nothing is fatal. */
    static void onHangup(ConfigReload reload) {
        Signal.handle(new Signal("HUP"), signal -> {
            try {
                reload.reload();
            } catch (RuntimeException e) {
                log.error("Reload failed: {}", e.getMessage());
            }
        });
    }
}
