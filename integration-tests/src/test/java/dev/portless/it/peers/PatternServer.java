package dev.portless.it.peers;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * A server that answers each connection's 8-byte request (a byte count) with that many bytes of
 * {@link DownloadPattern}, then half-closes: a download whose every word says where it belongs,
 * so a client can tell a flipped byte from a duplicated, missing or reordered block.
 */
public final class PatternServer extends LoopbackServer {
    private static final int CHUNK = 64 * 1024;

    private PatternServer() {
        super(0);
    }

    /** Returns a started pattern server. */
    public static PatternServer start() {
        PatternServer server = new PatternServer();
        server.listen();
        return server;
    }

    @Override
    void serve(Socket socket) throws IOException {
        long size = new DataInputStream(socket.getInputStream()).readLong();
        OutputStream out = socket.getOutputStream();
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        for (long offset = 0; offset < size; offset += CHUNK) {
            int n = (int) Math.min(CHUNK, size - offset);
            chunk.clear();
            DownloadPattern.fill(chunk, offset);
            out.write(chunk.array(), 0, n);
        }
        out.flush();
        socket.shutdownOutput();
        // Wait for the client's end, so the stream completes rather than being reset.
        socket.getInputStream().transferTo(OutputStream.nullOutputStream());
    }
}
