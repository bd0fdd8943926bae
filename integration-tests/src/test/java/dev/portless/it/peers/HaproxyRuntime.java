package dev.portless.it.peers;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HAProxy's runtime API on its stats socket ({@code stats socket PATH level admin} in its {@code global} section):
 * which servers of a backend take new connections, and the end of the ones they hold, so a test decides which
 * server each step of a browser's journey reaches.
 */
public final class HaproxyRuntime {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Path socket;

    /** Returns the API of the HAProxy whose stats socket is {@code socket}. */
    public HaproxyRuntime(Path socket) {
        this.socket = requireNonNull(socket, "socket");
    }

    /**
     * Sends new connections of {@code backend} to {@code server} alone: the others go into maintenance and their
     * connections are cut (a browser's kept connection would otherwise stay with them); returns once HAProxy
     * reports {@code server} up.
     */
    public void routeOnlyTo(String backend, String server, List<String> servers) {
        for (String other : servers) {
            if (!other.equals(server)) {
                command("set server " + backend + "/" + other + " state maint");
                command("shutdown sessions server " + backend + "/" + other);
            }
        }
        command("set server " + backend + "/" + server + " state ready");
        awaitRunning(backend, server);
    }

    /** Puts every server of {@code servers} into maintenance and cuts their connections: HAProxy serves nobody. */
    public void routeNowhere(String backend, List<String> servers) {
        for (String s : servers) {
            command("set server " + backend + "/" + s + " state maint");
            command("shutdown sessions server " + backend + "/" + s);
        }
    }

    /** Puts every server of {@code servers} back into service and waits until HAProxy reports them up. */
    public void routeToAll(String backend, List<String> servers) {
        for (String s : servers) {
            command("set server " + backend + "/" + s + " state ready");
        }
        servers.forEach(s -> awaitRunning(backend, s));
    }

    /** Waits until {@code server} is running and in no maintenance: its health checks passed. */
    private void awaitRunning(String backend, String server) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            state = command("show servers state " + backend);
            for (String line : state.split("\n")) {
                // be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state ...; 2 is running, 0 no
                // maintenance.
                String[] f = line.trim().split("\\s+");
                if (f.length > 6 && f[1].equals(backend) && f[3].equals(server)) {
                    if (f[5].equals("2") && f[6].equals("0")) {
                        return;
                    }
                }
            }
            pause();
        }
        throw new AssertionError(backend + "/" + server + " did not come up within " + TIMEOUT + ":\n" + state);
    }

    /** Returns HAProxy's answer to one command line. */
    public String command(String line) {
        requireNonNull(line, "line");
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> exchange(line));
        try {
            return answer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new AssertionError(
                    "HAProxy's stats socket " + socket + " did not answer \"" + line + "\" within " + TIMEOUT);
        } catch (ExecutionException e) {
            throw new AssertionError("HAProxy's stats socket " + socket + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while talking to HAProxy", e);
        }
    }

    private String exchange(String line) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            // Without "prompt", HAProxy answers one line and closes the connection.
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (channel.read(in) >= 0) {
                answer.write(in.array(), 0, in.position());
                in.clear();
            }
            return answer.toString(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
