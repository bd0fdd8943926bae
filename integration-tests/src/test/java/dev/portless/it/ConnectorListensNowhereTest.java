package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.EchoServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connector never listens on a network port: with a stream flowing, the kernel's socket table
 * shows no listening TCP socket owned by {@code connector run}, while the same method does find the
 * edge's two listeners.
 */
@Timeout(120)
class ConnectorListensNowhereTest {

    private static final String APP = "echo.portless.test";
    private static final String LISTEN = "0A";
    private static final String ESTABLISHED = "01";
    private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");
    private static final Pattern TUNNEL_LISTEN = Pattern.compile("(?m)^tunnel-listen: 127\\.0\\.0\\.1:(\\d+)$");

    @Test
    void connectorHasNoListeningSocketWhileItCarriesAStream() throws IOException {
        try (EchoServer echo = EchoServer.start();
                PortlessStack stack = PortlessStack.builder()
                        .app(APP, "tcp://127.0.0.1:" + echo.port())
                        .build()
                        .start()) {
            PortlessStack.AccessTcp tcp = stack.accessTcp(APP);
            int tunnelPort = tunnelPort(stack);
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), tcp.port())) {
                // A round trip proves the stream is up and the connector has dialed the target.
                byte[] hello = "still-open".getBytes(StandardCharsets.US_ASCII);
                socket.getOutputStream().write(hello);
                socket.getOutputStream().flush();
                socket.setSoTimeout(30_000);
                assertArrayEquals(hello, socket.getInputStream().readNBytes(hello.length));

                List<TcpSocket> connector = socketsOf(stack.connector().pid());
                List<TcpSocket> edge = socketsOf(stack.edge().pid());

                assertEquals(Set.of(), ports(connector, LISTEN), () -> "the connector listens: " + connector);
                assertEquals(
                        new TreeSet<>(Set.of(stack.edgePort(), tunnelPort)),
                        ports(edge, LISTEN),
                        () -> "the edge's listening sockets: " + edge);
                // The method sees the connector's sockets at all: its tunnel connection out to the edge
                // and its connection to the target, both dialed by it.
                assertTrue(
                        connector.stream().anyMatch(s -> s.state().equals(ESTABLISHED) && s.remotePort() == tunnelPort),
                        () -> "no tunnel connection to port " + tunnelPort + " among " + connector);
                assertTrue(
                        connector.stream()
                                .anyMatch(s -> s.state().equals(ESTABLISHED) && s.remotePort() == echo.port()),
                        () -> "no target connection to port " + echo.port() + " among " + connector);
            }
        }
    }

    private static int tunnelPort(PortlessStack stack) throws IOException {
        Matcher m = TUNNEL_LISTEN.matcher(Files.readString(stack.edgeConfig()));
        assertTrue(m.find(), "edge.yml names no tunnel-listen address");
        return Integer.parseInt(m.group(1));
    }

    private static Set<Integer> ports(List<TcpSocket> sockets, String state) {
        Set<Integer> ports = new TreeSet<>();
        sockets.stream().filter(s -> s.state().equals(state)).forEach(s -> ports.add(s.localPort()));
        return ports;
    }

    /**
     * Returns the TCP sockets (IPv4 and IPv6) process {@code pid} holds: the rows of its network
     * namespace's socket tables whose inode is one of its open {@code socket:[inode]} descriptors.
     */
    static List<TcpSocket> socketsOf(long pid) throws IOException {
        Set<String> inodes = socketInodes(pid);
        List<TcpSocket> sockets = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            Path file = Path.of("/proc", Long.toString(pid), "net", table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            // Columns: sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && inodes.contains(f[9])) {
                    sockets.add(new TcpSocket(table, port(f[1]), port(f[2]), f[3], f[9]));
                }
            }
        }
        return sockets;
    }

    private static Set<String> socketInodes(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    Matcher m = SOCKET_LINK.matcher(Files.readSymbolicLink(fd).toString());
                    if (m.matches()) {
                        inodes.add(m.group(1));
                    }
                } catch (NoSuchFileException closedMeanwhile) {
                    // A descriptor closed while we listed them is no listener.
                }
            }
        }
        assertTrue(
                !inodes.isEmpty(),
                "process " + pid + " has no sockets at all; can this user read /proc/" + pid + "/fd?");
        return inodes;
    }

    // "0100007F:1F90" → 8080
    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
    }

    /** One row of /proc/PID/net/tcp[6] that belongs to the process. */
    record TcpSocket(String table, int localPort, int remotePort, String state, String inode) {}
}
