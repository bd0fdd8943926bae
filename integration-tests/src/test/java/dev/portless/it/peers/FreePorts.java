package dev.portless.it.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hands out loopback TCP ports for programs that must be told a port up front (sshd, PostgreSQL,
 * a connector's config file). Prefer binding to port 0 where the program under test allows it.
 *
 * <p>Between the check here and the program's own bind the port is unguarded, so the ports come from
 * a range nobody else draws from at random: below the kernel's ephemeral range (which serves every
 * outgoing connection and every bind to port 0, in this JVM and in the programs the tests start) and
 * below the 20000-32000 the shell scripts pick from. Test JVMs running side by side claim each port
 * with a lock file, held until the JVM exits, so two of them never hand out the same one.
 */
public final class FreePorts {
    private static final int FIRST = 10_000;
    private static final int LAST = 19_999;
    private static final Path CLAIMS = Path.of(System.getProperty("java.io.tmpdir"), "portless-test-ports");

    private static final Set<Integer> handedOut = new HashSet<>();
    // Kept reachable so the locks (and the claims they stand for) last as long as the JVM.
    private static final List<FileLock> claims = new ArrayList<>();

    private FreePorts() {}

    /** Returns a loopback TCP port that was free a moment ago and not returned before by any test JVM. */
    public static synchronized int next() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, LAST + 1);
            if (handedOut.contains(port)) {
                continue;
            }
            FileLock claim = claim(port);
            if (claim == null) {
                continue;
            }
            if (bindable(port)) {
                claims.add(claim);
                handedOut.add(port);
                return port;
            }
            release(claim);
        }
        throw new IllegalStateException("no unclaimed loopback port in " + FIRST + "-" + LAST
                + " after 1000 attempts; are other test runs" + " holding them all?");
    }

    /** Returns the lock that claims the port for this JVM, or null when another test JVM holds it. */
    private static FileLock claim(int port) {
        try {
            Files.createDirectories(CLAIMS);
            FileChannel channel = FileChannel.open(
                    CLAIMS.resolve(port + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
            }
            return lock;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot claim a test port under " + CLAIMS, e);
        }
    }

    private static void release(FileLock claim) {
        try {
            claim.channel().close();
        } catch (IOException e) {
            // Closing a lock file cannot lose anything; the port simply stays claimed until exit.
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
