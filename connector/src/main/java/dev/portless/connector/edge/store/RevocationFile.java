package dev.portless.connector.edge.store;

import static java.util.Objects.requireNonNull;

import dev.portless.common.files.OwnerOnlyFiles;
import dev.portless.common.json.Json;
import dev.portless.connector.edge.config.EdgeLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The revoked app tokens and administrators' sign-outs a single edge keeps in {@code <state-dir>/revocations.json}
 * (0600, replaced atomically on every change), so that a restart does not let a revoked token or a signed-out
 * identity's earlier credentials back in. Edges sharing PostgreSQL keep them in the database instead.
 */
final class RevocationFile {
    /** The file's name in the state directory. */
    static final String NAME = "revocations.json";

    private static final int VERSION = 1;

    private final Path file;

    private RevocationFile(Path file) {
        this.file = file;
    }

    /** Returns the file in {@code stateDir}, which must exist. */
    static RevocationFile in(Path stateDir) {
        return new RevocationFile(requireNonNull(stateDir, "stateDir").resolve(NAME));
    }

    /** Returns where the file is. */
    Path path() {
        return file;
    }

    /**
     * Returns what the file holds, or nothing when there is no file yet.
     *
     * @throws UncheckedIOException naming the file and what to do when it cannot be read or is not this edge's
     */
    Contents read() {
        String text;
        try {
            text = new String(
                    OwnerOnlyFiles.readPrivate(file, EdgeLimits.MAX_REVOCATION_FILE_BYTES), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new Contents(Map.of(), List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    file + ": cannot read the revocations kept across restarts: " + e.getMessage(), e);
        }
        try {
            return parse(Json.readObject(text));
        } catch (ParseException | ClassCastException | NullPointerException | DateTimeParseException e) {
            throw new UncheckedIOException(
                    file + ": not the edge's revocation list (" + e.getMessage()
                            + "); restore it, or remove it to forget the revocations and sign-outs it held",
                    new IOException(e));
        }
    }

    /** Replaces the file with {@code contents}; blocks on the disk. */
    void write(Contents contents) throws IOException {
        Map<String, Object> revoked = new LinkedHashMap<>();
        contents.revoked().forEach((jti, expires) -> revoked.put(jti, expires.toString()));
        List<Object> signOuts = new ArrayList<>();
        for (IdentitySignOut s : contents.signOuts()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("identity", s.identity());
            o.put("app", s.app());
            o.put("at", s.at().toString());
            o.put("expires_at", s.expiresAt().toString());
            signOuts.add(o);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", VERSION);
        root.put("revoked_tokens", revoked);
        root.put("sign_outs", signOuts);
        OwnerOnlyFiles.write(file, (Json.write(root) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private static Contents parse(Map<String, Object> root) throws ParseException {
        Object version = root.get("version");
        if (!(version instanceof Number n) || n.intValue() != VERSION) {
            throw new ParseException("version " + version + " (expected: " + VERSION + ")", 0);
        }
        Map<String, Instant> revoked = new LinkedHashMap<>();
        ((Map<String, Object>) root.get("revoked_tokens"))
                .forEach((jti, expires) -> revoked.put(jti, Instant.parse((String) expires)));
        List<IdentitySignOut> signOuts = new ArrayList<>();
        for (Object o : (List<Object>) root.get("sign_outs")) {
            Map<String, Object> s = (Map<String, Object>) o;
            signOuts.add(new IdentitySignOut(
                    (String) s.get("identity"),
                    (String) s.get("app"),
                    Instant.parse((String) s.get("at")),
                    Instant.parse((String) s.get("expires_at"))));
        }
        return new Contents(revoked, signOuts);
    }

    /**
     * What the file holds.
     *
     * @param revoked  revoked tokens' ids, each with its token's expiry
     * @param signOuts the sign-outs not yet expired
     */
    record Contents(Map<String, Instant> revoked, List<IdentitySignOut> signOuts) {
        /** Copies both. */
        Contents {
            revoked = Map.copyOf(revoked);
            signOuts = List.copyOf(signOuts);
        }
    }
}
