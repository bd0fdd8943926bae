package dev.portless.access.login;

import java.time.Duration;

/** The pause between device-flow polls; tests hold it to run without waiting. */
@FunctionalInterface
interface Sleeper {
    Sleeper THREAD = d -> Thread.sleep(d.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
