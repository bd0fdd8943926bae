package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.peers.Commands;
import dev.portless.it.peers.Peers;
import dev.portless.it.peers.ProcessResult;
import dev.portless.it.peers.RepositoryRoot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Runs {@code scripts/bench --smoke}: every workload on every route (direct TCP, {@code ssh -L},
 * Portless; and HTTP through nginx, nginx as a proxy and a Portless web app) with tiny sizes and one run, so the benchmark cannot rot. It asserts that the bench
 * finished and that its table has every row; it asserts no timing, because a timing on a shared
 * CI machine is noise, not a test.
 */
// It asserts no timing: runs in the second lane, beside the other classes (junit-platform.properties).
@Execution(ExecutionMode.CONCURRENT)
class BenchSmokeTest {

    /** Every row of the bench's table, by the start of its label. */
    private static final List<String> ROWS = List.of(
            "| Throughput, 1 stream (iperf3)",
            "| Throughput, 8 parallel streams",
            "| 64 B request/response, p50",
            "| 64 B request/response, p99,",
            "| 64 B request/response, p99.9",
            "| New connection to first echoed byte, p50",
            "| New connection to first echoed byte, p99",
            "| New connections per second, sustained",
            "| Memory per idle stream, RSS",
            "| Memory per idle stream, live heap",
            "| `ssh host true` wall time",
            "| `access --version` start-up, AppCDS launcher",
            "| `access --version` start-up, without the AppCDS archive",
            "| 1 KiB responses, requests/s",
            "| 1 KiB responses, p50",
            "| 1 KiB responses, p99",
            "| 1 MiB responses, requests/s",
            "| 1 MiB responses, p50",
            "| 1 MiB responses, p99");

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void everyWorkloadRunsOnEveryRoute() {
        boolean root = "root".equals(System.getProperty("user.name"));
        // As root the bench installs what is missing itself, as scripts/setup does.
        Peers.require(
                "the bench's peers (Debian packages iperf3 openssh-server hyperfine gnuplot-nox wrk nginx)",
                root
                        || (Peers.executable("/usr/bin/iperf3")
                                && Peers.executable("/usr/sbin/sshd")
                                && Peers.executable("/usr/bin/hyperfine")
                                && Peers.executable("/usr/bin/gnuplot")
                                && Peers.executable("/usr/bin/wrk")
                                && Peers.executable("/usr/sbin/nginx")));
        Path bench = RepositoryRoot.resolve("scripts/bench");

        ProcessResult result = Commands.run(List.of(bench.toString(), "--smoke"), Duration.ofMinutes(15));

        assertEquals(0, result.exitCode(), result::toString);
        for (String row : ROWS) {
            assertTrue(
                    result.stdout().lines().anyMatch(line -> line.startsWith(row)),
                    () -> "the table has no row \"" + row + "\"\n" + result);
        }
        assertTrue(result.stdout().contains("TLS provider:"), () -> "the machine record is missing\n" + result);
    }
}
