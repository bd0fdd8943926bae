package dev.portless.it.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/** An echo server: every byte it reads goes back on the same connection, and it half-closes its side once the client does. */
public final class EchoServer extends LoopbackServer {
    private final AtomicLong bytesRead = new AtomicLong();

    private EchoServer() {
        super(0);
    }

    /** Returns a started echo server. */
    public static EchoServer start() {
        EchoServer server = new EchoServer();
        server.listen();
        return server;
    }

    @Override
    void serve(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] buf = new byte[64 << 10];
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
            bytesRead.addAndGet(n);
            out.write(buf, 0, n);
        }
        socket.shutdownOutput();
    }

    /** Returns how many bytes all connections have read (and echoed) so far. */
    public long bytesRead() {
        return bytesRead.get();
    }
}
