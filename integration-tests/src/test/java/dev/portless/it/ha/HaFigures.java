package dev.portless.it.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.it.harness.SignInStack.Echo;
import dev.portless.it.harness.TwoEdgeStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The HA figures of docs/benchmarks.md, run by {@code scripts/bench-ha} and never by the test suite (its name
 * matches no test pattern): per run, a fresh stack of two edges on PostgreSQL behind HAProxy and two
 * connectors; new streams per second through one edge directly, through HAProxy with two edges, then with
 * one edge left after the other is killed; and the streams that fail while a connector is killed under load.
 * Settings, from the environment (the forked test JVM inherits it): {@code PORTLESS_HA_RUNS} (3) and
 * {@code PORTLESS_HA_SECONDS} (5, each load's length). The result lines go to stdout.
 */
class HaFigures {
    private static final int A = 0;
    private static final int B = 1;
    private static final Duration MARKED_DOWN_TIMEOUT = Duration.ofSeconds(10);

    @Test
    void measure() throws Exception {
        int runs = setting("PORTLESS_HA_RUNS", 3);
        Duration length = Duration.ofSeconds(setting("PORTLESS_HA_SECONDS", 5));
        report("load average before: " + loadAverage());
        for (int run = 1; run <= runs; run++) {
            try (TwoEdgeStack stack = TwoEdgeStack.start()) {
                measureOnce(stack, run, length);
            }
        }
        report("load average after: " + loadAverage());
    }

    private static void measureOnce(TwoEdgeStack stack, int run, Duration length) throws Exception {
        String token = AppTokens.fresh(stack, "figures@example.com");
        Load direct = Load.run(stack, stack.edgePort(B), token, length, Duration.ZERO, () -> {});
        Load two = Load.run(stack, stack.lbPort(), token, length, Duration.ZERO, () -> {});
        Load kill = Load.run(
                stack,
                stack.lbPort(),
                token,
                length,
                length.dividedBy(3),
                () -> TwoEdgeStack.killHard(stack.connector(0)));
        TwoEdgeStack.killHard(stack.edge(A));
        long killed = System.nanoTime();
        while (!stack.echoThrough(stack.lbPort(), token, "up").equals(new Echo(101, "up"))) {
            if (System.nanoTime() - killed > MARKED_DOWN_TIMEOUT.toNanos()) {
                throw new AssertionError("HAProxy still sent streams to the killed edge after "
                        + MARKED_DOWN_TIMEOUT.toSeconds() + " s");
            }
        }
        long failover = Duration.ofNanos(System.nanoTime() - killed).toMillis();
        Load one = Load.run(stack, stack.lbPort(), token, length, Duration.ZERO, () -> {});
        report(String.format(
                "run %d: new streams/s (4 clients, %d s each): one edge direct %.1f, two edges behind HAProxy %.1f,"
                        + " one edge left behind HAProxy %.1f; edge kill -9: streams through HAProxy again after %d ms;"
                        + " connector kill -9 under load: %d of %d streams failed, the last one started %d ms after"
                        + " the kill",
                run,
                length.toSeconds(),
                direct.perSecond(),
                two.perSecond(),
                one.perSecond(),
                failover,
                kill.failures(),
                kill.total(),
                kill.lastFailureAfterEventMillis()));
        assertEquals(0, direct.failures() + two.failures() + one.failures(), "no stream may fail without a kill");
    }

    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }

    private static int setting(String name, int otherwise) {
        String value = System.getenv(name);
        try {
            return value == null ? otherwise : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + "=" + value + " is not a whole number; set it to e.g. " + otherwise, e);
        }
    }

    private static void report(String line) {
        System.out.println(line);
    }
}
