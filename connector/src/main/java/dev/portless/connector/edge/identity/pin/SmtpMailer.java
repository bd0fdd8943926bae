package dev.portless.connector.edge.identity.pin;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.config.SmtpSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A small SMTP client (RFC 5321) for PIN messages: STARTTLS or implicit TLS with the server's
 * certificate checked against its host name, AUTH PLAIN when a user is configured, one message per
 * connection. Plain SMTP only to a relay on loopback.
 */
public final class SmtpMailer implements PinMailer {
    private static final int TIMEOUT_MILLIS = 15_000;

    private final SmtpSettings settings;
    private final SSLSocketFactory tls;
    private final String heloName;

    /** Returns a mailer for {@code settings}, verifying the server with {@code tls}. */
    public SmtpMailer(SmtpSettings settings, SSLContext tls, String heloName) {
        this.settings = requireNonNull(settings, "settings");
        this.tls = requireNonNull(tls, "tls").getSocketFactory();
        this.heloName = requireNonNull(heloName, "heloName");
    }

    @Override
    public void send(String to, String subject, String body) throws IOException {
        String server = settings.host() + ":" + settings.port();
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(settings.host(), settings.port()), TIMEOUT_MILLIS);
            plain.setSoTimeout(TIMEOUT_MILLIS);
            Socket socket = settings.security() == SmtpSettings.Security.TLS ? wrap(plain) : plain;
            Conversation c = new Conversation(socket);
            c.expect(220, "greeting");
            c.command("EHLO " + heloName, 250);
            if (settings.security() == SmtpSettings.Security.STARTTLS) {
                c.command("STARTTLS", 220);
                c = new Conversation(wrap(plain));
                c.command("EHLO " + heloName, 250);
            }
            if (settings.username().isPresent()) {
                String password =
                        Files.readString(settings.passwordFile().orElseThrow()).strip();
                String plainAuth = Base64.getEncoder()
                        .encodeToString(
                                ("\0" + settings.username().get() + "\0" + password).getBytes(StandardCharsets.UTF_8));
                c.command("AUTH PLAIN " + plainAuth, 235, "AUTH PLAIN");
            }
            c.command("MAIL FROM:<" + address(settings.from()) + ">", 250);
            c.command("RCPT TO:<" + to + ">", 250);
            c.command("DATA", 354);
            String message = "From: " + settings.from() + "\r\nTo: " + to + "\r\nSubject: " + subject
                    + "\r\nDate: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now())
                    + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Transfer-Encoding: 8bit\r\n\r\n" + dotStuff(body) + "\r\n.";
            c.command(message, 250, "the message");
            c.command("QUIT", 221);
        } catch (SmtpException e) {
            throw new IOException("the mail server " + server + " refused " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException("cannot send mail through " + server + ": " + e.getMessage(), e);
        }
    }

    private Socket wrap(Socket plain) throws IOException {
        SSLSocket s = (SSLSocket) tls.createSocket(plain, settings.host(), settings.port(), true);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    static String address(String from) {
        int lt = from.indexOf('<');
        return lt < 0
                ? from.strip()
                : from.substring(lt + 1, from.indexOf('>', lt)).strip();
    }

    static String dotStuff(String body) {
        StringBuilder b = new StringBuilder();
        for (String line : body.split("\r?\n", -1)) {
            if (b.length() > 0) {
                b.append("\r\n");
            }
            b.append(line.startsWith(".") ? "." + line : line);
        }
        return b.toString();
    }

    private static final class SmtpException extends IOException {
        SmtpException(String message) {
            super(message);
        }
    }

    private static final class Conversation {
        private final BufferedReader in;
        private final OutputStream out;

        Conversation(Socket socket) throws IOException {
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            this.out = socket.getOutputStream();
        }

        void command(String line, int expected) throws IOException {
            command(line, expected, line.split(" ")[0]);
        }

        void command(String line, int expected, String what) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            expect(expected, what);
        }

        void expect(int expected, String what) throws IOException {
            String line;
            do {
                line = in.readLine();
                if (line == null) {
                    throw new IOException("the server closed the connection after " + what);
                }
            } while (line.length() > 3 && line.charAt(3) == '-');
            if (!line.startsWith(Integer.toString(expected))) {
                throw new SmtpException(what + ": " + line);
            }
        }
    }
}
