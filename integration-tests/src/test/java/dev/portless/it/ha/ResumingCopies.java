package dev.portless.it.ha;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.access.token.CachedToken;
import dev.portless.access.token.ConfigDirectory;
import dev.portless.access.token.TokenCache;
import dev.portless.it.harness.TwoEdgeStack;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.HashedEcho;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.TempDirs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Bulk echoes through HAProxy, each by its own {@code access tcp} (resumable by default) signed in with a cached
 * app token: what a test kills an edge under, to see every stream finish through the edge that is left.
 */
final class ResumingCopies implements AutoCloseable {
    private static final Pattern RESUMED = Pattern.compile("resumed the stream to " + Pattern.quote(TwoEdgeStack.APP));

    private final TwoEdgeStack stack;
    private final Path config;
    private final List<JavaProcess> accesses = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();
    private final List<HashedEcho> copies = new ArrayList<>();
    private final int acceptedBefore;

    private ResumingCopies(TwoEdgeStack stack, String token) throws IOException {
        this.stack = stack;
        this.config = TempDirs.create("portless-access");
        this.acceptedBefore = stack.echo().acceptedConnections();
        TokenCache.in(config)
                .store(new CachedToken(
                        stack.issuer(), TwoEdgeStack.APP, token, Instant.now().plusSeconds(600), "ivan@example.com"));
    }

    /** Returns {@code count} copies of {@code bytes} each, started one after the other. */
    static ResumingCopies start(TwoEdgeStack stack, String token, int count, long bytes)
            throws IOException, InterruptedException {
        ResumingCopies c = new ResumingCopies(stack, token);
        for (int i = 0; i < count; i++) {
            int port = FreePorts.next();
            JavaProcess access = JavaProcess.start(
                    "dev.portless.access.AccessMain",
                    List.of("tcp", "--hostname", TwoEdgeStack.APP, "--url", "127.0.0.1:" + port),
                    Map.of(
                            "PORTLESS_EDGE",
                            stack.issuer(),
                            "PORTLESS_EDGE_CA",
                            stack.caFile().toString(),
                            ConfigDirectory.ENV,
                            c.config.toString()));
            c.accesses.add(access);
            access.awaitOutput(Pattern.compile("access: listening on"), Duration.ofSeconds(60));
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            c.sockets.add(socket);
            HashedEcho copy = HashedEcho.start(socket, bytes);
            c.copies.add(copy);
            // The next access dials only once this one's stream is open, so round robin gives it the other edge.
            copy.awaitReceived(1);
        }
        return c;
    }

    /** Waits until every copy has received at least {@code bytes}. */
    void awaitReceived(long bytes) throws InterruptedException {
        for (HashedEcho copy : copies) {
            copy.awaitReceived(bytes);
        }
    }

    /** Asserts every copy arrived whole, each on one target connection, and at least one stream resumed. */
    void assertWholeAndResumedAtLeastOnce() throws Exception {
        long resumed = 0;
        for (int i = 0; i < copies.size(); i++) {
            HashedEcho copy = copies.get(i);
            byte[][] hashes = copy.hashes(300);
            JavaProcess access = accesses.get(i);
            assertEquals(copy.total(), copy.received(), () -> "copy through " + access.stderr());
            assertArrayEquals(hashes[0], hashes[1], "SHA-256 of what was sent and what came back");
            resumed += RESUMED.matcher(access.stderr()).results().count();
        }
        long total = resumed;
        assertTrue(total >= 1, () -> "no stream resumed: none crossed the killed edge\n" + stderrs());
        // Nothing else reaches the echo app while the copies run: a resumed stream kept its one connection.
        assertEquals(
                copies.size(), stack.echo().acceptedConnections() - acceptedBefore, "connections the target accepted");
    }

    private String stderrs() {
        StringBuilder b = new StringBuilder();
        accesses.forEach(a -> b.append("--- access ---\n").append(a.stderr()).append('\n'));
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        accesses.forEach(JavaProcess::close);
        TempDirs.delete(config);
    }
}
