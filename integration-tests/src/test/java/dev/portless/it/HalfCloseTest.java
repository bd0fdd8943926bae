package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.EchoServer;
import dev.portless.it.peers.HalfCloseServer;
import dev.portless.it.peers.ProcessResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that half-closes still gets the server's answer: its end of file crosses every hop
 * (local socket, WebSocket, HTTP/2 stream, target socket) while the way back stays open, and the
 * server's own end of file comes back after the answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class HalfCloseTest {

    private static final String APP = "half-close.portless.test";
    private static final String ECHO_APP = "echo.portless.test";
    private static final int LARGE = 16 * 1024 * 1024;
    // Not a multiple of any frame or buffer size, so a lost tail would show.
    private static final int SIZE = 4 * 1024 * 1024 + 4099;
    private static final int READ_TIMEOUT_MILLIS = 30_000;

    private HalfCloseServer server;
    private EchoServer echo;
    private PortlessStack stack;
    private PortlessStack.AccessTcp tcp;
    private PortlessStack.AccessTcp echoTcp;

    @BeforeAll
    void startStack() {
        server = HalfCloseServer.start();
        echo = EchoServer.start();
        stack = PortlessStack.builder()
                .app(APP, "tcp://127.0.0.1:" + server.port())
                .app(ECHO_APP, "tcp://127.0.0.1:" + echo.port())
                .build()
                .start();
        tcp = stack.accessTcp(APP);
        echoTcp = stack.accessTcp(ECHO_APP);
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
        if (server != null) {
            server.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    @Test
    void accessTcpClientGetsTheReplyAfterItsShutdownOutputAndThenEndOfFile() throws IOException {
        byte[] data = randomBytes(SIZE, 7);

        String reply = sendThenHalfClose(data);

        assertEquals(HalfCloseServer.replyFor(data), reply, this::diagnostics);
    }

    @Test
    void accessTcpClientThatSendsNothingStillGetsTheReply() throws IOException {
        String reply = sendThenHalfClose(new byte[0]);

        assertEquals(HalfCloseServer.replyFor(new byte[0]), reply, this::diagnostics);
    }

    @Test
    void halfClosedClientThatReadsSlowlyStillGetsAllOfALargeReplyAndThenEndOfFile() throws Exception {
        byte[] data = randomBytes(LARGE, 13);
        ExecutorService writerThread = Executors.newSingleThreadExecutor();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), echoTcp.port())) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            Future<?> written = writerThread.submit(() -> {
                socket.getOutputStream().write(data);
                socket.shutdownOutput();
                return null;
            });
            // Reading slower than the tunnel delivers keeps every hop waiting to write after the
            // client's FIN went through: the reply must still arrive whole, then end of file.
            ByteArrayOutputStream reply = new ByteArrayOutputStream(LARGE);
            byte[] buffer = new byte[16 * 1024];
            InputStream in = socket.getInputStream();
            int n;
            try {
                while ((n = in.read(buffer)) != -1) {
                    reply.write(buffer, 0, n);
                    Thread.sleep(2);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError(
                        "no end of file: " + reply.size() + " of " + LARGE + " bytes came back, then" + " nothing for "
                                + READ_TIMEOUT_MILLIS + " ms" + diagnostics(),
                        e);
            }
            written.get(10, TimeUnit.SECONDS);
            assertEquals(LARGE, reply.size(), this::diagnostics);
            assertArrayEquals(data, reply.toByteArray(), "the echoed bytes differ from those sent");
        } finally {
            writerThread.shutdownNow();
        }
    }

    @Test
    void accessSshCarriesEndOfStdinToTheServerAndItsReplyToStdout(@TempDir Path dir) throws IOException {
        byte[] data = randomBytes(SIZE, 11);
        Path input = Files.write(dir.resolve("input.bin"), data);
        List<String> accessSsh = List.of(stack.accessLauncher().toString(), "ssh", "--hostname", APP);

        ProcessResult result = Commands.run(accessSsh, Duration.ofSeconds(60), stack.accessEnv(), input);

        assertEquals(HalfCloseServer.replyFor(data), result.stdout(), () -> result + diagnostics());
        assertEquals(0, result.exitCode(), () -> result + diagnostics());
    }

    /** Returns everything the server sent after the client wrote {@code data} and shut its output down. */
    private String sendThenHalfClose(byte[] data) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), tcp.port())) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            // The server reads everything before it answers, so writing it all first cannot deadlock.
            socket.getOutputStream().write(data);
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            // readAllBytes returns only at end of file; a missing FIN fails with a read timeout.
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private String diagnostics() {
        return "\n--- access tcp ---\n" + tcp.process().stderr() + "\n--- access tcp (echo) ---\n"
                + echoTcp.process().stderr() + "\n--- edge ---\n" + stack.edge().stderr()
                + "\n--- connector ---\n" + stack.connector().stderr();
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            data[i] = (byte) random.nextInt(256);
        }
        return data;
    }
}
