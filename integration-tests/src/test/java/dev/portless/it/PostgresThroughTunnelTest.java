package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.Postgres;
import dev.portless.it.peers.ProcessResult;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unmodified {@code psql} talks to a real PostgreSQL through {@code access tcp}: small queries,
 * a result set of 200,000 rows coming down, and 200,000 rows going up with {@code \copy}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class PostgresThroughTunnelTest {

    private static final String APP = "db.portless.test";
    private static final Duration PSQL_TIMEOUT = Duration.ofSeconds(60);
    private static final int ROWS = 200_000;

    private Postgres postgres;
    private PortlessStack stack;
    private PortlessStack.AccessTcp tcp;

    @BeforeAll
    void startPostgresAndStack() {
        postgres = Postgres.start();
        stack = PortlessStack.builder()
                .app(APP, "tcp://127.0.0.1:" + postgres.port())
                .build()
                .start();
        tcp = stack.accessTcp(APP);
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void psqlRunsAQuery() {
        assertEquals("42", psql("select 40+2").stdout().trim());
    }

    @Test
    void psqlReceivesTwoHundredThousandRows() {
        String out = psql("select g, md5(g::text) from generate_series(1, " + ROWS + ") g order by g")
                .stdout();

        String[] lines = out.split("\n");
        assertEquals(ROWS, lines.length, "rows printed by psql");
        long sum = 0;
        for (int i = 0; i < lines.length; i++) {
            String[] columns = lines[i].split("\\|");
            long n = Long.parseLong(columns[0]);
            assertEquals(i + 1, n, "row " + (i + 1));
            assertEquals(32, columns[1].length(), lines[i]);
            sum += n;
        }
        assertEquals((long) ROWS * (ROWS + 1) / 2, sum);
        // Spot check that the payload arrived unchanged, not just the row count.
        assertEquals("1|c4ca4238a0b923820dcc509a6f75849b", lines[0]);
        assertEquals(ROWS + "|" + md5Hex(Integer.toString(ROWS)), lines[ROWS - 1]);
    }

    @Test
    void psqlCopiesTwoHundredThousandRowsUpAndTheServerCountsThem(@TempDir Path dir) throws IOException {
        Path rows = dir.resolve("rows.tsv");
        try (Writer w = Files.newBufferedWriter(rows)) {
            for (int i = 1; i <= ROWS; i++) {
                w.write(i + "\tlabel-" + i + "-" + "x".repeat(i % 17) + "\n");
            }
        }
        psql("drop table if exists uploaded; create table uploaded (n bigint, label text)");

        // \copy reads the file on the client side and streams it up as COPY FROM STDIN.
        psql("\\copy uploaded from '" + rows + "'");

        assertEquals(
                ROWS + "|" + ((long) ROWS * (ROWS + 1) / 2),
                psql("select count(*), sum(n) from uploaded").stdout().trim());
        assertEquals(
                "1",
                psql("select count(*) from uploaded where label = 'label-" + ROWS + "-" + "x".repeat(ROWS % 17) + "'")
                        .stdout()
                        .trim());
    }

    private ProcessResult psql(String sql) {
        List<String> command = Postgres.psql(tcp.port(), sql);
        ProcessResult result = Commands.run(command, PSQL_TIMEOUT);
        if (result.exitCode() != 0) {
            throw new AssertionError(
                    result + "\n--- access tcp ---\n" + tcp.process().stderr()
                            + "\n--- edge ---\n" + stack.edge().stderr() + "\n--- connector ---\n"
                            + stack.connector().stderr()
                            + "\n--- postgres ---\n" + postgres.log());
        }
        return result;
    }

    private static String md5Hex(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }
}
