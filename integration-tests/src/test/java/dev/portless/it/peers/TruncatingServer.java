package dev.portless.it.peers;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/**
 * A server that sends each connection a fixed number of bytes and then ends it one of two ways:
 * cleanly (FIN after the last byte) or abruptly (RST, as a crashing service does), so a test can
 * check that only the clean end ever reaches the client as a complete stream.
 */
public final class TruncatingServer extends LoopbackServer {
    private final int bytes;
    private final boolean abrupt;

    private TruncatingServer(int bytes, boolean abrupt) {
        super(0);
        this.bytes = bytes;
        this.abrupt = abrupt;
    }

    /** Returns a started server that sends {@code bytes} bytes, then resets ({@code abrupt}) or closes. */
    public static TruncatingServer start(int bytes, boolean abrupt) {
        TruncatingServer server = new TruncatingServer(bytes, abrupt);
        server.listen();
        return server;
    }

    @Override
    void serve(Socket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(new byte[bytes]);
        out.flush();
        if (abrupt) {
            // Give the bytes time to leave, then reset: a zero linger time makes close() send RST.
            sleep(200);
            socket.setSoLinger(true, 0);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
