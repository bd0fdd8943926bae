package dev.portless.it.peers;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A DNS server (Debian package {@code dnsmasq}) on a loopback port chosen at run time that answers only for
 * the names in its hosts file, which {@link #answer} rewrites and makes it read again (SIGHUP).
 */
public final class Dnsmasq implements AutoCloseable {
    /** Where Debian installs dnsmasq. */
    public static final String BINARY = "/usr/sbin/dnsmasq";

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final Process process;
    private final int port;
    private final Path hosts;
    private final Path log;
    private int reads;

    private Dnsmasq(Process process, int port, Path hosts, Path log) {
        this.process = process;
        this.port = port;
        this.hosts = hosts;
        this.log = log;
    }

    /** Returns a running dnsmasq in {@code dir} answering {@code name} with {@code addresses}. */
    public static Dnsmasq start(Path dir, String name, List<String> addresses) throws IOException {
        requireNonNull(dir, "dir");
        Peers.require("dnsmasq (Debian package dnsmasq)", Peers.executable(BINARY));
        int port = FreePorts.next();
        Path hosts = dir.resolve("edges.hosts");
        Path log = dir.resolve("dnsmasq.log");
        Files.writeString(hosts, hostsFile(name, addresses));
        Process p = new ProcessBuilder(
                        BINARY,
                        "--keep-in-foreground",
                        "--conf-file=/dev/null",
                        "--user=root",
                        "--port=" + port,
                        "--listen-address=127.0.0.1",
                        "--bind-interfaces",
                        "--no-resolv",
                        "--no-hosts",
                        "--addn-hosts=" + hosts,
                        "--pid-file=" + dir.resolve("dnsmasq.pid"),
                        "--log-facility=" + log)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("dnsmasq.out").toFile())
                .start();
        Dnsmasq d = new Dnsmasq(p, port, hosts, log);
        d.awaitRead(addresses.size());
        return d;
    }

    /** Returns the server's port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Makes the server answer {@code name} with {@code addresses} from now on, once it has read them. */
    public void answer(String name, List<String> addresses) throws IOException {
        Files.writeString(hosts, hostsFile(name, addresses));
        Commands.run(List.of("kill", "-HUP", Long.toString(process.pid())), WAIT)
                .assertSuccess();
        awaitRead(addresses.size());
    }

    /** Waits for the log line of the next read of the hosts file, and checks how many addresses it found. */
    private void awaitRead(int addresses) throws IOException {
        reads++;
        long deadline = System.nanoTime() + WAIT.toNanos();
        String line = "read " + hosts + " - ";
        while (count(line) < reads) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "dnsmasq did not read " + hosts + " within " + WAIT.toSeconds() + " s; see " + log);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        String last = lines(line).get(reads - 1);
        if (!last.endsWith(" - " + addresses + " names")) {
            throw new IllegalStateException("dnsmasq read other addresses than written: " + last);
        }
    }

    private List<String> lines(String line) throws IOException {
        return Files.readAllLines(log).stream().filter(l -> l.contains(line)).toList();
    }

    private int count(String line) throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        return (int)
                Files.readAllLines(log).stream().filter(l -> l.contains(line)).count();
    }

    private static String hostsFile(String name, List<String> addresses) {
        return addresses.stream().map(a -> a + " " + name + "\n").collect(Collectors.joining());
    }

    @Override
    public void close() {
        ProcessTermination.terminate(process);
    }
}
