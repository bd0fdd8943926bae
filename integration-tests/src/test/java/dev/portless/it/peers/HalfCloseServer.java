package dev.portless.it.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Reads until the client half-closes, then replies with the SHA-256 of everything it read as
 * lowercase hex and a newline, and closes. A reply arrives only if the client's end of file crossed
 * every hop while the way back stayed open: the proof that half-close is carried end to end.
 */
public final class HalfCloseServer extends LoopbackServer {

    private HalfCloseServer() {
        super(0);
    }

    /** Returns a started server. */
    public static HalfCloseServer start() {
        HalfCloseServer server = new HalfCloseServer();
        server.listen();
        return server;
    }

    /** Returns the reply this server sends for {@code data}: its SHA-256 in lowercase hex and a newline. */
    public static String replyFor(byte[] data) {
        return HexFormat.of().formatHex(sha256().digest(data)) + "\n";
    }

    @Override
    void serve(Socket socket) throws IOException {
        MessageDigest digest = sha256();
        InputStream in = new DigestInputStream(socket.getInputStream(), digest);
        in.transferTo(OutputStream.nullOutputStream());
        OutputStream out = socket.getOutputStream();
        out.write((HexFormat.of().formatHex(digest.digest()) + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
