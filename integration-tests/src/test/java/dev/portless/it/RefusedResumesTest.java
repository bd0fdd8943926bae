package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.resume.ResumeProtocol;
import dev.portless.it.harness.PortlessStack;
import dev.portless.it.harness.SignInStack;
import dev.portless.it.peers.EchoServer;
import dev.portless.it.peers.FaultProxy;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.ResumeWire;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The refusals of a resume, end to end through the edge to the connector that holds the stream: a wrong secret,
 * another user's stream, byte counts beyond what was sent, an old resume replayed after newer bytes were
 * acknowledged, and a resume after the detach window. Each is answered {@code 409} with its sentence, which the edge
 * logs and {@code access} prints, and none writes a byte to the target.
 */
@Timeout(180)
// Mostly waiting: runs in the second lane, beside the other classes (junit-platform.properties).
@Execution(ExecutionMode.CONCURRENT)
class RefusedResumesTest {
    private static final String APP = "echo.portless.test";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DETACH_WINDOW = "15s";
    private static final Pattern WINDOW_PASSED = Pattern.compile("was not resumed within its detach window");

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void eachRefusalIsAnsweredWithItsSentenceAndWritesNothingToTheTarget() throws Exception {
        try (EchoServer echo = EchoServer.start();
                PortlessStack stack = PortlessStack.builder()
                        .app(APP, "tcp://127.0.0.1:" + echo.port())
                        .otherServiceToken()
                        .connectorSetting("resume-detach-window", DETACH_WINDOW)
                        .build()
                        .start();
                FaultProxy proxy = FaultProxy.start(stack.edgePort())) {
            // access's own stream, left detached (its redials stall) until its detach window has passed.
            PortlessStack.AccessTcp access =
                    stack.accessTcp(APP, Map.of("PORTLESS_EDGE", "https://127.0.0.1:" + proxy.port()));
            Socket local = new Socket(InetAddress.getLoopbackAddress(), access.port());
            local.setSoTimeout((int) WAIT.toMillis());
            local.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertEquals("ping", new String(local.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
            proxy.stall();
            proxy.cutAll();

            SSLContext tls = SignInStack.sslContext(stack.caFile());
            Map<String, String> mine = stack.serviceTokenHeaders(false);
            ResumeWire first = open(tls, stack, mine, Map.of(ResumeProtocol.RESUME, ResumeProtocol.NEW));
            String[] hello = first.readHello();
            String id = hello[0];
            String secret = hello[1];
            assertArrayEquals(bytes("0123456789"), echoed(first, "0123456789"));
            first.sendAck(10);
            first.cut();
            awaitDetached(stack, id, 1);
            Map<String, String> oldResume = resume(id, secret, 10);
            ResumeWire second = open(tls, stack, mine, oldResume);
            // A resumed carrier starts with each side's count; the connector replays from the client's.
            second.sendAck(10);
            assertArrayEquals(bytes("abcdefghij"), echoed(second, "abcdefghij"));
            second.sendAck(20);
            // The ACK before it has reached the connector once this byte's echo is back.
            assertArrayEquals(bytes("!"), echoed(second, "!"));
            second.cut();
            awaitDetached(stack, id, 2);
            long atTarget = echo.bytesRead();

            assertRefused(
                    stack,
                    tls,
                    mine,
                    resume(id, "A".repeat(43), 21),
                    "The resume secret for stream " + id + " is wrong");
            assertRefused(
                    stack,
                    tls,
                    stack.serviceTokenHeaders(true),
                    resume(id, secret, 21),
                    "The stream " + id + " belongs to another user or app");
            assertRefused(
                    stack,
                    tls,
                    mine,
                    resume(id, secret, 1000),
                    "The resume of stream " + id + " claims 1000 bytes received, but only 21 were sent");
            assertRefused(stack, tls, mine, oldResume, "The resume of stream " + id + " is stale");
            assertEquals(atTarget, echo.bytesRead(), "bytes the target read during the refusals");

            awaitCount(stack.connector(), WINDOW_PASSED, 2);
            assertRefused(
                    stack,
                    tls,
                    mine,
                    resume(id, secret, 21),
                    "The stream " + id + " is no longer held by its connector");
            proxy.resume();
            access.process()
                    .awaitOutput(
                            Pattern.compile("access: the stream to " + Pattern.quote(APP)
                                    + " could not be resumed: The stream \\S+ is no longer held by its connector"),
                            WAIT);
            assertThrows(SocketException.class, () -> local.getInputStream().read(), "the local connection is reset");
            local.close();
            assertEquals(atTarget, echo.bytesRead(), "bytes the target read after the refusals");
            assertEquals(2, echo.acceptedConnections(), "connections the target accepted (one per stream)");
        }
    }

    private static ResumeWire open(
            SSLContext tls, PortlessStack stack, Map<String, String> creds, Map<String, String> resume)
            throws IOException {
        Map<String, String> headers = new LinkedHashMap<>(creds);
        headers.putAll(resume);
        ResumeWire.Answer answer = ResumeWire.upgrade(tls, stack.edgePort(), APP, headers);
        assertEquals(101, answer.status(), () -> answer.body() + diagnostics(stack));
        return answer.wire();
    }

    private static void assertRefused(
            PortlessStack stack, SSLContext tls, Map<String, String> creds, Map<String, String> resume, String sentence)
            throws IOException {
        Map<String, String> headers = new LinkedHashMap<>(creds);
        headers.putAll(resume);
        ResumeWire.Answer answer = ResumeWire.upgrade(tls, stack.edgePort(), APP, headers);
        assertEquals(409, answer.status(), () -> answer.body() + diagnostics(stack));
        assertTrue(answer.body().contains(sentence), () -> "expected \"" + sentence + "\" in " + answer.body());
        stack.edge().awaitOutput(Pattern.compile(Pattern.quote(sentence)), WAIT);
    }

    private static Map<String, String> resume(String id, String secret, long received) {
        return Map.of(
                ResumeProtocol.RESUME,
                id,
                ResumeProtocol.SECRET,
                secret,
                ResumeProtocol.RECEIVED,
                Long.toString(received));
    }

    /** Sends {@code text} in one DATA frame and returns as many bytes of what comes back. */
    private static byte[] echoed(ResumeWire wire, String text) throws IOException {
        wire.sendData(bytes(text));
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        while (back.size() < text.length()) {
            back.writeBytes(wire.readData());
        }
        return back.toByteArray();
    }

    private static void awaitDetached(PortlessStack stack, String id, int times) {
        awaitCount(stack.connector(), Pattern.compile("stream=" + Pattern.quote(id) + " app=\\S+ detached"), times);
    }

    private static void awaitCount(JavaProcess process, Pattern pattern, int times) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (pattern.matcher(process.stderr()).results().count() < times) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + times + " lines matching " + pattern + " in\n" + process.stderr());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static String diagnostics(PortlessStack stack) {
        return "\n--- edge ---\n" + stack.edge().stderr() + "\n--- connector ---\n"
                + stack.connector().stderr();
    }
}
