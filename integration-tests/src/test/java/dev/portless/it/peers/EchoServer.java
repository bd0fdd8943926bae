package dev.portless.it.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** An echo server: every byte it reads goes back on the same connection, and it half-closes its side once the client does. */
public final class EchoServer extends LoopbackServer {

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
        in.transferTo(out);
        socket.shutdownOutput();
    }
}
