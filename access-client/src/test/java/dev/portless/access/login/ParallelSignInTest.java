package dev.portless.access.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.access.testing.FakeAuthorizationServer;
import dev.portless.access.testing.TestCertificates;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parallel invocations of {@code access} for one app, in separate JVMs, sign in once between them,
 * and a process that dies holding the sign-in lock does not block the others.
 */
class ParallelSignInTest {
    private static final String APP = "db.example.com";

    @TempDir
    Path dir;

    TestCertificates certificates;
    FakeAuthorizationServer server;
    final List<Child> children = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        certificates = TestCertificates.create(dir);
        server = FakeAuthorizationServer.start(certificates);
    }

    @AfterEach
    void stop() {
        children.forEach(c -> c.process.destroyForcibly());
        server.close();
    }

    @Test
    void twentyParallelInvocationsOpenOneBrowserFlow() throws Exception {
        CountDownLatch allStarted = new CountDownLatch(1);
        server.holdAuthorizations(allStarted);
        Path config = dir.resolve("config");
        int processes = 10;
        int threadsEach = 2;
        for (int i = 0; i < processes; i++) {
            children.add(Child.start(server.edge(), certificates.caPem(), config, threadsEach, "follow"));
        }
        for (Child c : children) {
            c.await("READY", 60);
        }
        // Everyone is asking now; let the one sign-in that got through finish.
        allStarted.countDown();

        Set<String> tokens = new HashSet<>();
        int browsers = 0;
        for (Child c : children) {
            assertTrue(c.process.waitFor(90, TimeUnit.SECONDS), "a child did not finish: " + c.output);
            c.drain();
            for (String line : c.output) {
                if (line.startsWith("TOKEN ")) {
                    tokens.add(line);
                } else if (line.equals("BROWSER")) {
                    browsers++;
                } else if (line.startsWith("ERROR")) {
                    throw new AssertionError(line);
                }
            }
            assertEquals(
                    threadsEach,
                    c.output.stream().filter(l -> l.startsWith("TOKEN ")).count(),
                    c.output.toString());
        }
        assertEquals(1, server.authorizations(), "one browser flow for " + processes * threadsEach + " invocations");
        assertEquals(1, browsers);
        assertEquals(1, tokens.size(), "all invocations got the same token");
    }

    @Test
    void aHolderThatDiesDoesNotBlockTheOthers() throws Exception {
        Path config = dir.resolve("config");
        Child holder = Child.start(server.edge(), certificates.caPem(), config, 1, "stall");
        children.add(holder);
        holder.await("BROWSER", 60); // it holds the lock and waits for a browser that never comes

        Child waiter = Child.start(server.edge(), certificates.caPem(), config, 3, "follow");
        children.add(waiter);
        waiter.await("READY", 60);
        waiter.awaitErr("access: Another sign-in to " + APP + " is in progress; waiting for it...", 30);
        assertEquals(0, server.authorizations());

        holder.process.destroyForcibly().waitFor();
        // The dead holder's lock goes with its process: the waiter signs in well within this bound, not after a
        // stale-lock timeout.
        assertTrue(waiter.process.waitFor(30, TimeUnit.SECONDS), "the waiter stayed blocked: " + waiter.output);
        waiter.drain();
        assertEquals(
                3, waiter.output.stream().filter(l -> l.startsWith("TOKEN ")).count(), waiter.output.toString());
        assertEquals(
                1,
                waiter.output.stream()
                        .filter(l -> l.startsWith("TOKEN "))
                        .distinct()
                        .count());
        assertEquals(1, server.authorizations());
    }

    /** One child JVM and the lines it printed. */
    private static final class Child {
        final Process process;
        final List<String> output = new ArrayList<>();
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final BlockingQueue<String> errLines = new LinkedBlockingQueue<>();

        private Child(Process process) {
            this.process = process;
            pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), lines);
            pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), errLines);
        }

        static Child start(String edge, Path ca, Path config, int threads, String browser) throws IOException {
            Files.createDirectories(config.getParent());
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(
                    java,
                    "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC",
                    "-Xmx64m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    SignInProcess.class.getName(),
                    edge,
                    ca.toString(),
                    config.toString(),
                    APP,
                    Integer.toString(threads),
                    browser);
            return new Child(pb.start());
        }

        private static void pump(BufferedReader in, BlockingQueue<String> to) {
            Thread t = new Thread(
                    () -> {
                        try {
                            for (String l; (l = in.readLine()) != null; ) {
                                to.add(l);
                            }
                        } catch (IOException e) {
                            // The child died.
                        }
                    },
                    "child-output");
            t.setDaemon(true);
            t.start();
        }

        void await(String line, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                String l = lines.poll(100, TimeUnit.MILLISECONDS);
                if (l != null) {
                    output.add(l);
                    if (l.equals(line)) {
                        return;
                    }
                }
            }
            throw new AssertionError("no \"" + line + "\" within " + seconds + " s: " + output + " " + errLines);
        }

        void awaitErr(String line, int seconds) throws InterruptedException {
            String l = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline && (l == null || !l.contains(line))) {
                l = errLines.poll(100, TimeUnit.MILLISECONDS);
            }
            assertNotNull(l, "no \"" + line + "\" on stderr");
            assertTrue(l.contains(line), l);
        }

        void drain() throws InterruptedException {
            Thread.sleep(100); // the pump may still hold the last lines
            lines.drainTo(output);
        }
    }
}
