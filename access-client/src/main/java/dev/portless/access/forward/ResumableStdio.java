package dev.portless.access.forward;

import static java.util.Objects.requireNonNull;

import dev.portless.access.edge.StreamDialer;
import dev.portless.common.net.Transport;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

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
        TcpForwarder listener = TcpForwarder.start(
                group,
                transport,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                dialer,
                hostname,
                err,
                true,
                port -> port == ownPort);
        try {
            socket.connect(listener.localAddress());
        } finally {
            listener.close();
        }
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
            out.flush();
            return 0;
        } catch (IOException e) {
            err.println("access: the stream to " + hostname + " was cut off: " + e.getMessage());
            return 1;
        } finally {
            socket.close();
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
