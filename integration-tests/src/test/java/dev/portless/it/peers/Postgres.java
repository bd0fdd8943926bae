package dev.portless.it.peers;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server on 127.0.0.1 with trust authentication for user {@code postgres},
 * for proving that an unmodified {@code psql} works through Portless.
 */
public final class Postgres implements AutoCloseable {

    private static final Path INSTALLS = Path.of("/usr/lib/postgresql");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final Path bin;
    private final Path dir;
    private final int port;

    private Postgres(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    /** Returns a started server. Skips the test (fails it on CI) if PostgreSQL is not installed. */
    public static Postgres start() {
        Optional<Path> bin = binDir();
        Peers.require("PostgreSQL server (Debian package postgresql)", bin.isPresent());
        Path dir = TempDirs.create("portless-pg");
        Postgres postgres = new Postgres(bin.get(), dir, FreePorts.next());
        try {
            postgres.initAndStart();
            return postgres;
        } catch (RuntimeException | Error e) {
            postgres.close();
            throw e;
        }
    }

    /** Stops the server, keeping its data, as a crash or an operator's restart would. */
    public void stopServer() {
        pgCommand("pg_ctl", "-D", data(), "-m", "immediate", "-w", "stop");
    }

    /** Starts the server again on the same port after {@link #stopServer()}. */
    public void startServer() {
        pgCommand(
                "pg_ctl",
                "-D",
                data(),
                "-l",
                dir.resolve("log").toString(),
                "-w",
                "-t",
                "30",
                "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
                "start");
    }

    /** Returns the JDBC URL of the {@code postgres} database, without credentials. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    private void initAndStart() {
        if (runningAsRoot()) {
            // PostgreSQL refuses to run as root: hand the directory to the postgres user.
            try {
                UserPrincipal owner =
                        dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
                Files.setOwner(dir, owner);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot hand " + dir + " to the postgres user", e);
            }
        }
        // --no-sync and fsync=off: the data is thrown away, so durability only costs time.
        pgCommand("initdb", "-D", data(), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync");
        startServer();
    }

    /** Returns the port the server listens on at 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Returns the server's log, to show in a failure. */
    public String log() {
        return Commands.read(dir.resolve("log"));
    }

    /**
     * Returns a {@code psql} command line that runs {@code sql} as {@code postgres} against 127.0.0.1:{@code port}
     * (the server itself or a Portless forward to it) and prints bare values, one row a line.
     */
    public static List<String> psql(int port, String sql) {
        requireNonNull(sql, "sql");
        String psql = binDir().map(b -> b.resolve("psql").toString()).orElse("psql");
        return List.of(
                psql,
                "-X",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-tAc",
                sql);
    }

    /**
     * Returns a {@code psql} command line like {@link #psql(int, String)} that reads its statements from stdin and
     * stops at the first error (exit status 3).
     */
    public static List<String> psqlInteractive(int port) {
        List<String> command = new ArrayList<>(psql(port, "-"));
        command.subList(command.size() - 2, command.size()).clear();
        command.addAll(List.of("-qtA", "-f", "-"));
        return command;
    }

    /** Stops the server without waiting for clients to disconnect and deletes its data. */
    @Override
    public void close() {
        try {
            if (Files.exists(dir.resolve("data/postmaster.pid"))) {
                pgCommand("pg_ctl", "-D", data(), "-m", "fast", "-w", "stop");
            }
        } finally {
            TempDirs.delete(dir);
        }
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    private void pgCommand(String program, String... args) {
        List<String> command = new ArrayList<>();
        if (runningAsRoot()) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        // The postgres user may not be allowed into the test's working directory.
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        ProcessResult result = Commands.run(builder, COMMAND_TIMEOUT);
        if (result.exitCode() != 0) {
            throw new AssertionError(result + "\n--- server log ---\n" + log());
        }
    }

    private static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Returns the bin directory of the newest installed PostgreSQL major version. */
    private static Optional<Path> binDir() {
        if (!Files.isDirectory(INSTALLS)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(INSTALLS)) {
            return versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                    .max(Comparator.comparingInt(
                            v -> Integer.parseInt(v.getFileName().toString())))
                    .map(v -> v.resolve("bin"))
                    .filter(b -> Peers.executable(b.resolve("pg_ctl").toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + INSTALLS, e);
        }
    }
}
