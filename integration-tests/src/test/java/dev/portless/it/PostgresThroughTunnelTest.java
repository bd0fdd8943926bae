package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.FaultProxy;
import dev.portless.it.peers.Postgres;
import dev.portless.it.peers.ProcessResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unmodified {@code psql} talks to a real PostgreSQL through {@code access tcp}: small queries,
 * a result set of 200,000 rows coming down, 200,000 rows going up with {@code \copy}, and one
 * transaction that commits although the connection to the edge was cut in its middle.
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
    private FaultProxy proxy;

    @BeforeAll
    void startPostgresAndStack() {
        postgres = Postgres.start();
        stack = PortlessStack.builder()
                .app(APP, "tcp://127.0.0.1:" + postgres.port())
                .build()
                .start();
        tcp = stack.accessTcp(APP);
        proxy = FaultProxy.start(stack.edgePort());
    }

    @AfterAll
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
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

    @Test
    void aTransactionCommitsAlthoughTheConnectionToTheEdgeIsCutInItsMiddle() throws Exception {
        PortlessStack.AccessTcp cut =
                stack.accessTcp(APP, Map.of("PORTLESS_EDGE", "https://127.0.0.1:" + proxy.port()));
        psql("drop table if exists across_cut; create table across_cut (n int)");
        Process p = new ProcessBuilder(Postgres.psqlInteractive(cut.port()))
                .redirectErrorStream(true)
                .start();
        try (PsqlSession session = new PsqlSession(p)) {
            String before = session.run(
                    "begin; insert into across_cut select generate_series(1, 500); " + "select txid_current();");
            proxy.cutAll();
            cut.process().awaitOutput(Pattern.compile("resumed the stream to " + Pattern.quote(APP)), PSQL_TIMEOUT);
            String after =
                    session.run("insert into across_cut select generate_series(501, 1000); select txid_current();");
            assertEquals(before, after, "the transaction's id before and after the cut");
            session.run("commit;");
        }
        assertEquals(0, p.waitFor(), "psql's exit status\n" + cut.process().stderr());
        assertEquals(
                "1000|500500",
                psql("select count(*), sum(n) from across_cut").stdout().trim());
    }

    /** An interactive psql fed one statement batch at a time, each answered before the next is sent. */
    private static final class PsqlSession implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;
        private final Writer in;
        private int batches;

        PsqlSession(Process process) {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        /** Sends {@code sql} and returns what psql printed for it, once it has printed all of it. */
        String run(String sql) throws IOException {
            String marker = "batch-done-" + ++batches;
            in.write(sql + "\n\\echo " + marker + "\n");
            in.flush();
            StringBuilder printed = new StringBuilder();
            for (String line = out.readLine(); ; line = out.readLine()) {
                if (line == null) {
                    throw new AssertionError("psql exited before answering: " + printed);
                }
                if (line.equals(marker)) {
                    return printed.toString().trim();
                }
                printed.append(line).append('\n');
            }
        }

        @Override
        public void close() throws IOException {
            in.write("\\q\n");
            in.close();
            if (!process.isAlive()) {
                return;
            }
            try {
                if (!process.waitFor(PSQL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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
