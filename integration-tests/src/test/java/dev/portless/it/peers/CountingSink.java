package dev.portless.it.peers;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/**
 * An upload's far end: it reads each connection to its end, then answers with the 8-byte big-endian
 * count of what it read and half-closes, so a client can time an upload to the moment the last byte
 * arrived and check that none was lost.
 */
public final class CountingSink extends LoopbackServer {
    private CountingSink() {
        super(0);
    }

    /** Returns a started sink. */
    public static CountingSink start() {
        CountingSink server = new CountingSink();
        server.listen();
        return server;
    }

    @Override
    void serve(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[64 << 10];
        long count = 0;
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
            count += n;
        }
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeLong(count);
        out.flush();
        socket.shutdownOutput();
    }
}
