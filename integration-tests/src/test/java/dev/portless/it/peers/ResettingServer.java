package dev.portless.it.peers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A loopback target that reads one byte of each connection and then resets it (RST, not FIN). */
public final class ResettingServer implements AutoCloseable {
    private final ServerSocket server;

    private ResettingServer(ServerSocket server) {
        this.server = server;
    }

    /** Returns a started server on a free loopback port. */
    public static ResettingServer start() throws IOException {
        ResettingServer r = new ResettingServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Thread t = new Thread(r::acceptLoop, "resetter");
        t.setDaemon(true);
        t.start();
        return r;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.getInputStream().read();
                s.setSoLinger(true, 0);
            } catch (IOException closedOrReset) {
                // Closing the server ends the loop; a client that left early changes nothing.
            }
        }
    }

    /** Returns the port it listens on. */
    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
