package dev.portless.access.token;

import static java.util.Objects.requireNonNull;

import dev.portless.common.files.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The app token cache: one JSON file per edge and app in a directory only the user can
 * read.
 *
 * <p>The directory is 0700 and every file 0600 (on file systems with POSIX permissions); a directory or file
 * that others may read, a symbolic link in their place, or one another user owns is refused, never used. A file
 * is named by the SHA-256 of {@code edge|app}, so any hostname makes a safe name, and holds the
 * edge and app itself. Writes go to a temporary file that is then moved over the old one in one
 * atomic step: a reader in another process sees the old token or the new one, never half of one.
 */
public final class TokenCache {
    private static final String SUFFIX = ".json";
    // Far above any app token with its JSON around it; a larger file is not read into memory.
    private static final int MAX_FILE_BYTES = 64 * 1024;

    private final Path directory;

    private TokenCache(Path directory) {
        this.directory = directory;
    }

    /** Returns the cache in {@code configDirectory}/tokens; nothing is created until a write. */
    public static TokenCache in(Path configDirectory) {
        requireNonNull(configDirectory, "configDirectory");
        return new TokenCache(configDirectory.resolve("tokens"));
    }

    /** Returns the cache directory. */
    public Path directory() {
        return directory;
    }

    /**
     * Returns the cached token of {@code app} at {@code edge}, expired or not. The token is chosen by the
     * file named after the edge and app asked for and must name them itself, so nothing an edge answers can
     * make another app's token come out.
     *
     * @throws IllegalStateException with a sentence that says how to fix it when the directory or the file
     *     may be read by others, is a symbolic link, or belongs to another user
     */
    public Optional<CachedToken> find(String edge, String app) {
        Path file = directory.resolve(key(edge, app) + SUFFIX);
        try {
            OwnerOnlyFiles.checkPrivateDirectory(directory);
            return read(file).filter(t -> t.edge().equals(edge) && t.app().equals(app));
        } catch (IOException e) {
            throw refused(e);
        }
    }

    /**
     * Returns every cached token, sorted by app then edge; files that hold no token are skipped.
     *
     * @throws IllegalStateException like {@link #find}
     */
    public List<CachedToken> list() {
        List<CachedToken> tokens = new ArrayList<>();
        try {
            OwnerOnlyFiles.checkPrivateDirectory(directory);
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                return tokens;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
                for (Path f : files) {
                    read(f).ifPresent(tokens::add);
                }
            }
        } catch (IOException e) {
            throw refused(e);
        }
        tokens.sort(Comparator.comparing(CachedToken::app).thenComparing(CachedToken::edge));
        return tokens;
    }

    /** Stores {@code token}, replacing the one of the same edge and app. */
    public void store(CachedToken token) throws IOException {
        requireNonNull(token, "token");
        createDirectory();
        OwnerOnlyFiles.write(
                directory.resolve(key(token.edge(), token.app()) + SUFFIX),
                token.toJson().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Removes the token of {@code app} at {@code edge} if it is still {@code token}: another process
     * may already have stored a newer one. Returns whether a file was removed.
     */
    public boolean removeIfSame(String edge, String app, String token) throws IOException {
        Optional<CachedToken> cached = find(edge, app);
        if (cached.isPresent() && cached.get().token().equals(token)) {
            return Files.deleteIfExists(directory.resolve(key(edge, app) + SUFFIX));
        }
        return false;
    }

    /** Removes every token {@code which} selects; returns the removed ones. */
    public List<CachedToken> removeAll(Predicate<CachedToken> which) throws IOException {
        List<CachedToken> removed = new ArrayList<>();
        for (CachedToken t : list()) {
            if (which.test(t) && Files.deleteIfExists(directory.resolve(key(t.edge(), t.app()) + SUFFIX))) {
                removed.add(t);
            }
        }
        return removed;
    }

    /**
     * Returns the lock that lets one process at a time sign in to {@code app} at {@code edge}, once
     * held; runs {@code onWait} once if another holder makes it wait; throws
     * {@link java.util.concurrent.TimeoutException} after {@code maxWait}.
     */
    public SignInLock lock(String edge, String app, Duration maxWait, Runnable onWait)
            throws IOException, InterruptedException, TimeoutException {
        createDirectory();
        return SignInLock.acquire(directory.resolve(key(edge, app) + ".lock"), maxWait, onWait);
    }

    static String key(String edge, String app) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest((edge + "|" + app).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private void createDirectory() throws IOException {
        // A directory someone widened is refused, not narrowed: its tokens may have been read already.
        OwnerOnlyFiles.createDirectories(directory);
        OwnerOnlyFiles.checkPrivateDirectory(directory);
    }

    private IllegalStateException refused(IOException e) {
        return new IllegalStateException(
                "Cannot use the token cache in " + directory + ": " + e.getMessage() + " (set " + ConfigDirectory.ENV
                        + " to use another directory).",
                e);
    }

    /** Returns the token in {@code file}; empty when it is missing or holds no token (a new sign-in replaces it). */
    private static Optional<CachedToken> read(Path file) throws IOException {
        final byte[] bytes;
        try {
            bytes = OwnerOnlyFiles.readPrivate(file, MAX_FILE_BYTES);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(CachedToken.fromJson(new String(bytes, StandardCharsets.UTF_8)));
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
