package dev.portless.connector.edge.identity.pin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.edge.config.SmtpSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SMTP client against a scripted loopback mail relay. */
class SmtpMailerTest {
    @TempDir
    Path dir;

    @Test
    void sendsOneMessageWithAuthPlainAndDotStuffing() throws Exception {
        Files.writeString(dir.resolve("pw"), "s3cret\n");
        try (ServerSocket server = new ServerSocket(0)) {
            CompletableFuture<List<String>> seen = CompletableFuture.supplyAsync(() -> serve(server, "250"));
            SmtpMailer mailer = new SmtpMailer(
                    new SmtpSettings(
                            "127.0.0.1",
                            server.getLocalPort(),
                            SmtpSettings.Security.NONE,
                            Optional.of("portless"),
                            Optional.of(dir.resolve("pw")),
                            "Portless <access@example.com>"),
                    SSLContext.getDefault(),
                    "edge.example.com");
            mailer.send("alice@example.com", "Your Portless sign-in code", "code is 123456\n.hidden line");
            List<String> lines = seen.get(10, TimeUnit.SECONDS);
            assertEquals("EHLO edge.example.com", lines.get(0));
            assertEquals(
                    "AUTH PLAIN "
                            + Base64.getEncoder().encodeToString("\0portless\0s3cret".getBytes(StandardCharsets.UTF_8)),
                    lines.get(1));
            assertEquals("MAIL FROM:<access@example.com>", lines.get(2));
            assertEquals("RCPT TO:<alice@example.com>", lines.get(3));
            assertEquals("DATA", lines.get(4));
            assertTrue(lines.contains("To: alice@example.com"), lines.toString());
            assertTrue(lines.contains("code is 123456"), lines.toString());
            assertTrue(lines.contains("..hidden line"), "a leading dot is doubled: " + lines);
            assertEquals("QUIT", lines.get(lines.size() - 1));
        }
    }

    @Test
    void reportsARefusalInOneSentence() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            CompletableFuture.runAsync(() -> serve(server, "550 no such user"));
            SmtpMailer mailer = new SmtpMailer(
                    new SmtpSettings(
                            "127.0.0.1",
                            server.getLocalPort(),
                            SmtpSettings.Security.NONE,
                            Optional.empty(),
                            Optional.empty(),
                            "access@example.com"),
                    SSLContext.getDefault(),
                    "edge.example.com");
            IOException e = assertThrows(IOException.class, () -> mailer.send("nobody@example.com", "s", "b"));
            assertEquals(
                    "the mail server 127.0.0.1:" + server.getLocalPort() + " refused RCPT: 550 no such user",
                    e.getMessage());
        }
    }

    @Test
    void refusesAServerWithoutStartTls() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            CompletableFuture.runAsync(() -> serve(server, "250"));
            SmtpMailer mailer = new SmtpMailer(
                    new SmtpSettings(
                            "127.0.0.1",
                            server.getLocalPort(),
                            SmtpSettings.Security.STARTTLS,
                            Optional.empty(),
                            Optional.empty(),
                            "access@example.com"),
                    SSLContext.getDefault(),
                    "edge.example.com");
            IOException e = assertThrows(IOException.class, () -> mailer.send("a@example.com", "s", "b"));
            assertTrue(e.getMessage().contains("refused STARTTLS: 502"), e.getMessage());
        }
    }

    /** Plays a relay: answers each command, {@code rcptAnswer} to RCPT; returns the lines it read. */
    private static List<String> serve(ServerSocket server, String rcptAnswer) {
        List<String> lines = new ArrayList<>();
        try (Socket s = server.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            write(out, "220 relay ready");
            boolean data = false;
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
                if (data) {
                    if (line.equals(".")) {
                        data = false;
                        write(out, "250 queued");
                    }
                    continue;
                }
                String verb = line.split(" ")[0];
                switch (verb) {
                    case "EHLO" -> write(out, "250-relay\r\n250 AUTH PLAIN");
                    case "STARTTLS" -> write(out, "502 not here");
                    case "AUTH" -> write(out, "235 ok");
                    case "RCPT" -> write(out, rcptAnswer.equals("250") ? "250 ok" : rcptAnswer);
                    case "DATA" -> {
                        write(out, "354 go");
                        data = true;
                    }
                    case "QUIT" -> {
                        write(out, "221 bye");
                        return lines;
                    }
                    default -> write(out, "250 ok");
                }
            }
        } catch (IOException e) {
            // The client hung up after an error: what was read is the result.
        }
        return lines;
    }

    private static void write(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
