package dev.portless.access.agent;

import static java.util.Objects.requireNonNull;

import dev.portless.common.files.OwnerOnlyFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Java side's own requests to a running agent ({@code agent status}, {@code agent stop}), blocking and
 * bounded by a timeout; the launcher's front speaks the same handshake from bash.
 */
public final class AgentClient {
    private final AgentPaths paths;
    private final Duration timeout;

    /** Returns a client of the agent at {@code paths} that gives up after {@code timeout}. */
    public AgentClient(AgentPaths paths, Duration timeout) {
        this.paths = requireNonNull(paths, "paths");
        this.timeout = requireNonNull(timeout, "timeout");
    }

    /** Returns the agent's status lines, or empty when no agent answers at its endpoint. */
    public Optional<List<String>> status() {
        try {
            return Optional.of(exchange("agent-status"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Asks the agent to stop; returns false when none was running. */
    public boolean stop() throws IOException {
        try {
            exchange("agent-stop");
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            if (status().isEmpty()) {
                return false;
            }
            throw e;
        }
    }

    private List<String> exchange(String command) throws IOException {
        String secret = new String(OwnerOnlyFiles.readPrivate(paths.secret(), 256), StandardCharsets.US_ASCII).trim();
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        // A blocking unix socket has no read timeout: a watchdog closes it, which ends the read.
        CompletableFuture<List<String>> answer = CompletableFuture.supplyAsync(() -> {
            try {
                channel.connect(UnixDomainSocketAddress.of(paths.socket()));
                String request = AgentHandshake.GREETING + "\nsecret " + secret + "\narg " + command + "\ngo\n";
                channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
                return readLines(channel);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("the agent at " + paths.socket() + " did not answer within " + timeout.toSeconds()
                    + " s; `kill` its process (" + paths.pid() + ") and start it again");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
            throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking the agent", e);
        } finally {
            channel.close();
        }
    }

    private static List<String> readLines(SocketChannel channel) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (channel.read(buffer) >= 0) {
            all.write(buffer.array(), 0, buffer.position());
            buffer.clear();
        }
        List<String> info = new ArrayList<>();
        for (String line : all.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("refused ")) {
                throw new IOException(line.substring(8));
            }
            if (line.startsWith("info ")) {
                info.add(line.substring(5));
            }
        }
        return info;
    }
}
