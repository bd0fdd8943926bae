package dev.portless.it.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;

/**
 * A target that echoes the first bytes of each connection and then stops reading, holding the connection open
 * until it is closed: once the echo came back, a test knows the stream is open end to end, and everything it writes
 * after that piles up on the way. Its receive buffer is small so the hold-up shows soon.
 */
public final class StallingEchoServer extends LoopbackServer {
    private static final int RECEIVE_BUFFER = 64 * 1024;

    private final int echoed;
    private final CountDownLatch closed = new CountDownLatch(1);

    private StallingEchoServer(int echoed) {
        super(RECEIVE_BUFFER);
        this.echoed = echoed;
    }

    /** Returns a started server that echoes the first {@code echoed} bytes of each connection, then reads no more. */
    public static StallingEchoServer start(int echoed) {
        if (echoed < 1) {
            throw new IllegalArgumentException("echoed: " + echoed + " (expected: >= 1)");
        }
        StallingEchoServer server = new StallingEchoServer(echoed);
        server.listen();
        return server;
    }

    @Override
    void serve(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        out.write(in.readNBytes(echoed));
        out.flush();
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed.countDown();
        super.close();
    }
}
