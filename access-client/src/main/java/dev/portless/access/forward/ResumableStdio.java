package dev.portless.access.forward;

import static java.util.Objects.requireNonNull;

import dev.portless.access.edge.StreamDialer;
import dev.portless.access.limits.AccessLimits;
import dev.portless.common.net.Transport;
import dev.portless.common.resume.ResumableEnd;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code access ssh}'s stdin and stdout carried by a resumable stream. A resumable stream's plain
 * side is a socket, so stdio reaches it through one private loopback connection: a listener on a
 * random port that takes exactly one connection, from the source port this process bound first.
 */
public final class ResumableStdio {
    private ResumableStdio() {}

    /**
     * Relays {@code in} and {@code out} through a resumable stream to {@code hostname} until it
     * ends; returns 0 when it completed, 1 when it was cut off.
     */
    public static int run(
            EventLoopGroup group,
            Transport transport,
            StreamDialer dialer,
            String hostname,
            InputStream in,
            OutputStream out,
            PrintStream err)
            throws IOException, InterruptedException {
        requireNonNull(dialer, "dialer");
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int ownPort = socket.getLocalPort();
        CompletableFuture<ResumableEnd> joined = new CompletableFuture<>();
        TcpForwarder listener = TcpForwarder.start(
                group,
                transport,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                dialer,
                hostname,
                err,
                true,
                port -> port == ownPort,
                joined::complete);
        // The listener stays open until the connection is joined: closing it as soon as connect()
        // returns would reset a connection the kernel has queued but the event loop not yet accepted.
        joined.whenComplete((end, failure) -> listener.channel().close());
        try {
            socket.connect(listener.localAddress());
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        // ssh sends SIGHUP to its ProxyCommand as it exits, right after closing the pipes: let the
        // stream's end cross to the connector (bounded) before the JVM halts, or the edge and the
        // connector see a client that went away instead of a completed stream.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> awaitSettled(joined), "access-drain"));
        socket.setTcpNoDelay(true);
        Thread stdin = new Thread(() -> pumpStdin(in, socket), "stdin");
        stdin.setDaemon(true);
        stdin.start();
        byte[] buf = new byte[16 << 10];
        try {
            InputStream fromStream = socket.getInputStream();
            int n;
            while ((n = fromStream.read(buf)) >= 0) {
                out.write(buf, 0, n);
                if (fromStream.available() == 0) {
                    out.flush();
                }
            }
            // The target ended its bytes: stdout ends too, so the local program sees its end of file while
            // its own side may still be sending (a half-close, as the plain stdio path does).
            out.close();
            if (joined.completeExceptionally(notJoined(null))) {
                // The local connection closed before any stream was joined: the dial failed, and
                // ConnectToEdge has said why. Ended so, the exit hook has no stream's end to wait for.
                return 1;
            }
            // The target has ended its bytes; the stream completes once ssh has ended its own.
            stdin.join();
            return awaitSettled(joined) ? 0 : 1;
        } catch (IOException e) {
            // A stream that ended with an abort has said why in its own sentence; the reset of the local
            // connection is how that abort reached this side, not a second cause to print.
            if (joined.completeExceptionally(notJoined(e)) || awaitSettled(joined)) {
                err.println("access: the stream to " + hostname + " was cut off: " + e.getMessage());
            }
            return 1;
        } finally {
            socket.close();
            listener.close();
        }
    }

    // Without it, a dial the edge refused (an unknown app, no connector online) kept the JVM for the whole drain.
    private static IOException notJoined(IOException cause) {
        return new IOException("the local connection ended before a stream was joined", cause);
    }

    /** Waits (bounded) for the stream's end to reach the other side; returns false when it was aborted. */
    private static boolean awaitSettled(CompletableFuture<ResumableEnd> joined) {
        long deadline = System.nanoTime() + AccessLimits.STDIO_DRAIN.toNanos();
        try {
            ResumableEnd end = joined.get(AccessLimits.STDIO_DRAIN.toNanos(), TimeUnit.NANOSECONDS);
            return end.settled().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // The bytes have all crossed; only the end's handshake is late, and the connector's
            // detach window cleans up after it.
            return true;
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void pumpStdin(InputStream in, Socket socket) {
        byte[] buf = new byte[16 << 10];
        try {
            OutputStream toStream = socket.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                toStream.write(buf, 0, n);
            }
            socket.shutdownOutput();
        } catch (IOException e) {
            // The stream ended first: the stdout side reports how.
        }
    }
}
