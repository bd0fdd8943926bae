package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.peers.Commands;
import dev.portless.it.peers.ProcessResult;
import dev.portless.it.peers.RepositoryRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Runs the short version of {@code scripts/soak}: 200 held streams with mixed traffic for one minute
 * through access tcp, a separate edge and a separate connector. It asserts the soak passed (no
 * failed stream, no rising heap after GC or descriptors) and that every 30 s sample of both
 * processes reached the TSV.
 */
// Mostly waiting: runs in the second lane, beside the other classes (junit-platform.properties).
@Execution(ExecutionMode.CONCURRENT)
class SoakSmokeTest {
    @TempDir
    Path out;

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void oneMinuteOfMixedTrafficLeaveNoFailedStreamAndNoLeak() throws IOException {
        Path root = RepositoryRoot.get();

        ProcessResult result = Commands.run(
                List.of(
                        root.resolve("scripts/soak").toString(),
                        "--minutes",
                        "1",
                        "--streams",
                        "200",
                        "--out",
                        out.toString()),
                Duration.ofMinutes(8));

        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.stdout().contains("soak_failed_streams 0"), result::toString);
        List<String> rows = Files.readAllLines(out.resolve("soak.tsv"));
        assertEquals("seconds\tprocess\tpid\tfds\trss_kib\tthreads\theap_after_gc_kib", rows.get(0));
        for (String process : List.of("edge", "connector")) {
            // A sample at 0, 30 and 60 s.
            long samples =
                    rows.stream().filter(r -> r.split("\t")[1].equals(process)).count();
            assertEquals(3, samples, () -> process + " samples in soak.tsv:\n" + String.join("\n", rows));
        }
    }
}
