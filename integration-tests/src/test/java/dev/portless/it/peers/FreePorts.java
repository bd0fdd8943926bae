package dev.portless.it.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out loopback TCP ports for programs that must be told a port up front (sshd, PostgreSQL,
 * a connector's config file). Prefer binding to port 0 where the program under test allows it.
 */
public final class FreePorts {

    // The kernel may hand the same ephemeral port out twice in a row; a test that asks for two
    // ports must get two different ones.
    private static final Set<Integer> handedOut = new HashSet<>();

    private FreePorts() {}

    /** Returns a loopback TCP port that was free a moment ago and not returned before by this JVM. */
    public static synchronized int next() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = probe();
            if (handedOut.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException(
                "no unused loopback port after 100 attempts; is the ephemeral range exhausted?");
    }

    private static int probe() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a loopback port", e);
        }
    }
}
