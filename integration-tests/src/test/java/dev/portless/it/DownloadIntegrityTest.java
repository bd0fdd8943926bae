package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.PatternCheck;
import dev.portless.it.peers.PatternServer;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Downloads checked word by word: large downloads from a target that sends a self-describing
 * pattern, through {@code access ssh}'s stdin/stdout and through {@code access tcp}, over both
 * client transports, several at once, each compared with what the target sent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// It asserts bytes, not times: runs in the second lane, beside the other classes (junit-platform.properties).
@Execution(ExecutionMode.CONCURRENT)
class DownloadIntegrityTest {
    private static final String APP = "pattern.portless.test";
    private static final long SIZE = Long.getLong("portless.it.download.bytes", 32L << 20);
    private static final Duration BUDGET = Duration.ofSeconds(Long.getLong("portless.it.download.seconds", 6));
    private static final int PARALLEL = Integer.getInteger("portless.it.download.parallel", 3);
    // Paranoid leak detection wraps every buffer, where the default wraps one in 128: the receive
    // buffers then take Netty's slower copy paths all the time, which makes a buffer shared across
    // threads show up within seconds instead of once in many runs.
    private static final String ACCESS_JVM =
            System.getProperty("portless.it.download.jvm", "-Dio.netty.leakDetection.level=paranoid");

    private PatternServer target;
    private PortlessStack stack;
    private Path launcher;

    @BeforeAll
    void startStack() {
        target = PatternServer.start();
        stack = PortlessStack.builder()
                .app(APP, "tcp://127.0.0.1:" + target.port())
                .build()
                .start();
        // Written once here: writing it while another thread starts it fails with "text file busy".
        launcher = stack.accessLauncher();
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
        if (target != null) {
            target.close();
        }
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    @Timeout(120)
    void downloadsThroughAccessSshOverHttp2ArriveIntact() throws Exception {
        loop("access ssh, portless-h2", () -> throughStdio("on"));
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    @Timeout(120)
    void downloadsThroughAccessSshOverWebSocketsArriveIntact() throws Exception {
        loop("access ssh, WebSocket", () -> throughStdio("off"));
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    @Timeout(120)
    void downloadsThroughAccessTcpOverHttp2ArriveIntact() throws Exception {
        PortlessStack.AccessTcp tcp = stack.accessTcp(APP, Map.of("JAVA_TOOL_OPTIONS", ACCESS_JVM));
        loop("access tcp, portless-h2", () -> throughSocket(tcp.port()));
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    @Timeout(120)
    void downloadsThroughAccessTcpOverWebSocketsArriveIntact() throws Exception {
        PortlessStack.AccessTcp tcp =
                stack.accessTcp(APP, Map.of("PORTLESS_MULTIPLEX", "off", "JAVA_TOOL_OPTIONS", ACCESS_JVM));
        loop("access tcp, WebSocket", () -> throughSocket(tcp.port()));
    }

    private interface Download {
        /** Returns null when the download was intact, else what was wrong. */
        String run() throws Exception;
    }

    private void loop(String path, Download download) throws Exception {
        long deadline = System.nanoTime() + BUDGET.toNanos();
        AtomicInteger done = new AtomicInteger();
        ConcurrentLinkedQueue<String> damage = new ConcurrentLinkedQueue<>();
        ExecutorService workers = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < PARALLEL; i++) {
                running.add(workers.submit(() -> {
                    while (System.nanoTime() < deadline && damage.isEmpty()) {
                        String wrong = download.run();
                        if (wrong != null) {
                            damage.add(wrong);
                        }
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(BUDGET.toSeconds() + 90, TimeUnit.SECONDS);
            }
        } finally {
            workers.shutdownNow();
        }
        System.out.println(path + ": " + done.get() + " downloads of " + SIZE + " bytes, damaged: " + damage);
        assertEquals(List.of(), List.copyOf(damage), path + ": " + done.get() + " downloads");
    }

    private String throughStdio(String multiplex) throws IOException, InterruptedException {
        Map<String, String> env = stack.accessEnv();
        ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "ssh", "--hostname", APP)
                .redirectError(ProcessBuilder.Redirect.appendTo(
                        stack.dir().resolve("access-ssh.err").toFile()));
        builder.environment().putAll(env);
        builder.environment().put("PORTLESS_MULTIPLEX", multiplex);
        builder.environment().put("JAVA_TOOL_OPTIONS", ACCESS_JVM);
        Process p = builder.start();
        try {
            DataOutputStream stdin = new DataOutputStream(p.getOutputStream());
            stdin.writeLong(SIZE);
            stdin.flush();
            String wrong = new PatternCheck(SIZE).readAll(p.getInputStream());
            stdin.close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                return wrong != null ? wrong : "access ssh did not exit";
            }
            return wrong;
        } finally {
            p.destroyForcibly();
        }
    }

    private String throughSocket(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(60_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeLong(SIZE);
            out.flush();
            InputStream in = socket.getInputStream();
            String wrong = new PatternCheck(SIZE).readAll(in);
            socket.shutdownOutput();
            return wrong;
        }
    }
}
