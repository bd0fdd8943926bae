package dev.portless.bench.probe;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A blocking connection to an echo service: write a message, read the same bytes back. A
 * blocking socket on a dedicated thread is the cheapest client there is, so the probe adds as
 * little as possible to what it measures.
 */
public final class EchoConnection implements AutoCloseable {
    static final int TIMEOUT_MILLIS = 30_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private EchoConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Returns a connected socket with Nagle off and a read timeout, so a broken path fails, not hangs. */
    public static EchoConnection open(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(TIMEOUT_MILLIS);
            s.connect(address, TIMEOUT_MILLIS);
            return new EchoConnection(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Sends {@code message} and reads it back into {@code reply}; fails if the echo differs. */
    public void roundTrip(byte[] message, byte[] reply) throws IOException {
        out.write(message);
        int got = 0;
        while (got < reply.length) {
            int n = in.read(reply, got, reply.length - got);
            if (n < 0) {
                throw new EOFException("the connection closed after " + got + " of " + reply.length + " echoed bytes");
            }
            got += n;
        }
        if (!java.util.Arrays.equals(message, reply)) {
            throw new IOException("the echo differs from what was sent");
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
