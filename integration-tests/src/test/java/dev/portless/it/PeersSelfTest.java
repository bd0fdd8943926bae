package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.peers.Commands;
import dev.portless.it.peers.EchoServer;
import dev.portless.it.peers.HalfCloseServer;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.Peers;
import dev.portless.it.peers.Postgres;
import dev.portless.it.peers.ProcessResult;
import dev.portless.it.peers.SlowReaderServer;
import dev.portless.it.peers.Sshd;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proves the test peers work on this machine, without Portless in between. */
class PeersSelfTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void sshLogsInToTheThrowAwaySshd() {
        try (Sshd sshd = Sshd.start()) {
            List<String> direct = new ArrayList<>(sshd.sshArgs(null, null));
            direct.add("echo hello from $USER");
            ProcessResult result = Commands.run(direct, TIMEOUT).assertSuccess();
            assertEquals("hello from " + sshd.user() + "\n", result.stdout());

            // The host key is checked under the alias, as it will be behind a ProxyCommand.
            List<String> aliased = new ArrayList<>(sshd.sshArgs(null, "db.internal.test"));
            aliased.add("true");
            Commands.run(aliased, TIMEOUT).assertSuccess();
        }
    }

    @Test
    void sshAndScpWorkThroughAProxyCommand(@TempDir Path dir) throws IOException {
        Peers.require("socat (Debian package socat)", Peers.executable("/usr/bin/socat"));
        try (Sshd sshd = Sshd.start()) {
            // The shape of `access ssh --hostname %h`: ssh hands the alias and port to the proxy.
            String proxy = "socat STDIO TCP:127.0.0.1:%p";
            List<String> ssh = new ArrayList<>(sshd.sshArgs(proxy, "ssh.internal.test"));
            ssh.add("echo via proxy");
            assertEquals(
                    "via proxy\n", Commands.run(ssh, TIMEOUT).assertSuccess().stdout());

            Path source = Files.write(dir.resolve("payload"), new byte[] {1, 2, 3});
            Path copy = dir.resolve("copy");
            List<String> scp = new ArrayList<>(sshd.scpArgs(proxy, "ssh.internal.test"));
            scp.add(source.toString());
            scp.add(sshd.scpRemote("ssh.internal.test", copy.toString()));
            Commands.run(scp, TIMEOUT).assertSuccess();
            assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(copy));
        }
    }

    @Test
    void psqlQueriesTheThrowAwayPostgres() {
        try (Postgres postgres = Postgres.start()) {
            ProcessResult result = Commands.run(Postgres.psql(postgres.port(), "select 40+2"), TIMEOUT)
                    .assertSuccess();
            assertEquals("42", result.stdout().trim());
        }
    }

    @Test
    void javaProcessRunsAMainClassAsAChildProcess(@TempDir Path dir) {
        try (JavaProcess greeter = JavaProcess.start(Greeter.class.getName(), List.of("7"), Map.of("GREETING", "hi"))) {
            MatchResult ready = greeter.awaitOutput(Pattern.compile("ready on (\\d+)"), TIMEOUT);
            assertEquals("7", ready.group(1));
            assertEquals(3, greeter.waitFor(TIMEOUT));
            assertEquals("hi\n", greeter.stdout());
        }
        Path launcher = JavaProcess.writeLauncher(dir, "greeter", Greeter.class.getName());
        ProcessResult result = Commands.run(List.of(launcher.toString(), "8"), TIMEOUT, Map.of("GREETING", "hello"));
        assertEquals(3, result.exitCode(), result::toString);
        assertEquals("hello\n", result.stdout());
    }

    @Test
    void echoServerEchoesAndHalfCloseServerRepliesAfterEndOfFile() throws IOException {
        byte[] data = "portless".getBytes(StandardCharsets.US_ASCII);
        try (EchoServer echo = EchoServer.start();
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), echo.port())) {
            socket.getOutputStream().write(data);
            socket.shutdownOutput();
            assertEquals("portless", new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
        try (HalfCloseServer server = HalfCloseServer.start();
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.getOutputStream().write(data);
            socket.shutdownOutput();
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals(HalfCloseServer.replyFor(data), reply);
            assertTrue(reply.matches("[0-9a-f]{64}\n"), reply);
        }
    }

    @Test
    void slowReaderServerHoldsItsRate() throws IOException, InterruptedException {
        try (SlowReaderServer server = SlowReaderServer.start(1024 * 1024);
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            long start = System.nanoTime();
            socket.getOutputStream().write(new byte[512 * 1024]);
            while (server.bytesRead() < 512 * 1024) {
                Thread.sleep(10);
            }
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            // The server counts a read before it sleeps for it, so 512 KiB show as read once the last
            // tenth-of-a-second read (102 KiB) has started: 400 ms at the earliest, less a few
            // milliseconds for the server's clock starting at accept, before this one.
            assertTrue(elapsedMillis >= 380, "drained 512 KiB at 1 MiB/s in " + elapsedMillis + " ms");
        }
    }

    /** A stand-in program: announces itself on stderr, echoes an env variable on stdout, exits with 3. */
    static final class Greeter {
        public static void main(String[] args) {
            System.err.println("ready on " + args[0]);
            System.out.println(System.getenv("GREETING"));
            System.exit(3);
        }
    }
}
