package dev.portless.access.token;

import static java.util.Objects.requireNonNull;

import dev.portless.common.files.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
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
 * <p>The directory is 0700 and every file 0600 (on file systems with POSIX permissions). A file
 * is named by the SHA-256 of {@code edge|app}, so any hostname makes a safe name, and holds the
 * edge and app itself. Writes go to a temporary file that is then moved over the old one in one
 * atomic step: a reader in another process sees the old token or the new one, never half of one.
 */
public final class TokenCache {
    private static final String SUFFIX = ".json";

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

    /** Returns the cached token of {@code app} at {@code edge}, expired or not. */
    public Optional<CachedToken> find(String edge, String app) {
        Path file = directory.resolve(key(edge, app) + SUFFIX);
        return read(file).filter(t -> t.edge().equals(edge) && t.app().equals(app));
    }

    /** Returns every cached token, sorted by app then edge; unreadable files are skipped. */
    public List<CachedToken> list() {
        List<CachedToken> tokens = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return tokens;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path f : files) {
                read(f).ifPresent(tokens::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the token cache " + directory + ": " + e.getMessage(), e);
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
        // 0700 even when it exists already: the umask narrows nothing a hand may have widened.
        OwnerOnlyFiles.createPrivateDirectory(directory);
    }

    private static Optional<CachedToken> read(Path file) {
        try {
            return Optional.of(CachedToken.fromJson(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | ParseException | RuntimeException e) {
            // A file we cannot read is as good as no token: signing in again replaces it.
            return Optional.empty();
        }
    }
}
