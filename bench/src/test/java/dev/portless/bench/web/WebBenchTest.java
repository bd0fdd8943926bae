package dev.portless.bench.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.bench.BenchCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class WebBenchTest {
    private static final String WRK = """
            Running 1s test @ https://127.0.0.1:41000/small
              2 threads and 64 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     1.23ms    2.00ms  30.00ms   90.00%
                Req/Sec    20.00k     1.00k   25.00k    70.00%
              Latency Distribution
                 50%  800.00us
                 75%    1.20ms
                 90%    2.00ms
                 99%    1.05s
              40000 requests in 1.00s, 50.00MB read
            Requests/sec:  39950.25
            Transfer/sec:     49.90MB
            """;

    @TempDir
    Path dir;

    @Test
    void wrkOutputGivesRateAndPercentilesInMilliseconds() {
        WrkOutput out = WrkOutput.parse(WRK);
        assertEquals(new WrkOutput(39950.25, 0.8, 1050, 40000), out);
        assertEquals(
                "http_small_rps 39950.3%nhttp_small_p50_ms 0.800%nhttp_small_p99_ms 1050.000%nhttp_small_requests 40000%n"
                        .formatted(),
                out.lines("http_small"));
    }

    @Test
    void aRunWithFailedRequestsMeasuresNothing() {
        String non2xx = WRK.replace("Requests/sec", "  Non-2xx or 3xx responses: 5\nRequests/sec");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WrkOutput.parse(non2xx))
                .getMessage()
                .startsWith("5 responses were not 2xx or 3xx"));
        String errors =
                WRK.replace("Requests/sec", "  Socket errors: connect 0, read 3, write 0, timeout 0\nRequests/sec");
        assertThrows(IllegalArgumentException.class, () -> WrkOutput.parse(errors));
        assertThrows(
                IllegalArgumentException.class, () -> WrkOutput.parse(WRK.replace("40000 requests", "0 requests")));
        assertThrows(
                IllegalArgumentException.class,
                () -> WrkOutput.parse(WRK.replace("  Latency Distribution", "").replace("99%", "x")));
    }

    @Test
    void theTableComparesPortlessWithTheNginxProxy() throws IOException {
        Path file = dir.resolve("results.tsv");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "# figure\troute\trun\tvalue",
                        "tput1_gbps\tssh\t1\t2.0",
                        "http_small_rps\tnginx\t1\t40000",
                        "http_small_rps\tnginx-proxy\t1\t20000",
                        "http_small_rps\tportless\t1\t9000",
                        "http_small_rps\tportless\t2\t11000",
                        "http_small_p50_ms\tnginx-proxy\t1\t1.0",
                        "http_small_p50_ms\tportless\t1\t1.5"));
        WebResults r = WebResults.read(file);
        String table = WebTable.render(r);
        assertEquals(WebFigure.values().length + 2, table.lines().count(), table);
        assertTrue(
                table.contains(
                        "| 1 KiB responses, requests/s | 40000 | 20000 | 10000 (9000–11000) | 0.50× | 0.25× | ≥ 0.5× nginx proxy | met |"),
                table);
        assertTrue(
                table.contains("| 1 KiB responses, p50, ms | — | 1.00 | 1.50 | 1.50× | — | ≤ 2× nginx proxy | met |"),
                table);
        assertTrue(
                table.contains(
                        "| 1 MiB responses, requests/s | — | — | — | — | — | ≥ 0.5× nginx proxy | not measured |"),
                table);
        assertEquals(
                "HTTP targets met: 2 of 4. Missed: 1 MiB responses, requests/s (≥ 0.5× nginx proxy) — not measured;"
                        + " 1 MiB responses, p50, ms (≤ 2× nginx proxy) — not measured.",
                WebTable.verdicts(r));
        assertTrue(r.missing().contains("http_1m_rps on nginx"));
        assertTrue(!r.missing().contains("http_small_rps on portless"));
    }

    @Test
    void theCommandSavesTheTableAndFailsWhenAFigureIsMissing() throws IOException {
        Path file = dir.resolve("results.tsv");
        Files.writeString(file, "http_small_rps\tportless\t1\t9000\n");
        Path out = dir.resolve("out");
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cl = BenchCommand.commandLine();
        cl.setOut(new PrintWriter(stdout));
        cl.setErr(new PrintWriter(stderr));

        int code = cl.execute("web-report", "--results", file.toString(), "--out-dir", out.toString(), "--require-all");

        assertEquals(3, code, stderr::toString);
        assertTrue(
                stderr.toString().startsWith("bench web-report: no result for http_small_rps on nginx,"),
                stderr::toString);
        assertTrue(stdout.toString().contains("| 1 KiB responses, requests/s | — | — | 9000 |"), stdout::toString);
        assertTrue(Files.readString(out.resolve("results-http.md")).startsWith("# Web apps: "));
    }
}
