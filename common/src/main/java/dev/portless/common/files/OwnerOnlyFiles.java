package dev.portless.common.files;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The one way Portless writes files and directories that only their owner may read (mode 0600 and 0700):
 * the mode is set when the file is created, never afterwards, so a secret is not readable by others even
 * for an instant, and a replaced file changes atomically (readers see the old one or the new one).
 * On a file system without POSIX permissions (Windows), files get the directory's defaults.
 */
public final class OwnerOnlyFiles {

    /** {@code rw-------}. */
    public static final Set<PosixFilePermission> FILE_MODE =
            Set.copyOf(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

    /** {@code rwx------}. */
    public static final Set<PosixFilePermission> DIRECTORY_MODE = Set.copyOf(EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));

    private static final Set<PosixFilePermission> PUBLIC_FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");

    private OwnerOnlyFiles() {}

    /** Creates {@code dir} and its missing parents, each one 0700; directories that exist stay as they are. */
    public static void createDirectories(Path dir) throws IOException {
        requireNonNull(dir, "dir");
        Files.createDirectories(dir, attributes(dir, DIRECTORY_MODE));
    }

    /**
     * Creates {@code dir} and its missing parents 0700, and narrows {@code dir} itself to 0700 when it exists
     * with another mode. Returns the mode it had (as {@code rwxr-xr-x}) when it was narrowed.
     */
    public static Optional<String> createPrivateDirectory(Path dir) throws IOException {
        createDirectories(dir);
        if (!isPosix(dir)) {
            return Optional.empty();
        }
        final Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
        if (mode.equals(DIRECTORY_MODE)) {
            return Optional.empty();
        }
        Files.setPosixFilePermissions(dir, DIRECTORY_MODE);
        return Optional.of(PosixFilePermissions.toString(mode));
    }

    /**
     * Writes {@code bytes} to {@code file} (0600), replacing it atomically: a temporary file beside it is
     * created 0600, written, flushed to disk, then renamed over {@code file}. The directory must exist.
     */
    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, bytes, FILE_MODE);
    }

    /**
     * Writes {@code bytes} to {@code file} like {@link #write(Path, byte[])}, but leaves it readable by
     * everyone (0644): a public key or a certificate beside its owner-only key.
     */
    public static void writePublic(Path file, byte[] bytes) throws IOException {
        write(file, bytes, PUBLIC_FILE_MODE);
    }

    /**
     * Creates {@code file} 0600 holding {@code bytes}.
     *
     * @throws java.nio.file.FileAlreadyExistsException when {@code file} exists
     */
    public static void createFile(Path file, byte[] bytes) throws IOException {
        requireNonNull(file, "file");
        requireNonNull(bytes, "bytes");
        try (FileChannel channel = FileChannel.open(
                file,
                EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW),
                attributes(file, FILE_MODE))) {
            writeFully(channel, bytes);
        }
    }

    /** Opens {@code file} for appending, creating it 0600 when it is missing. */
    public static FileChannel openForAppend(Path file) throws IOException {
        requireNonNull(file, "file");
        return FileChannel.open(
                file,
                EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND, StandardOpenOption.CREATE),
                attributes(file, FILE_MODE));
    }

    /**
     * Returns the mode of {@code file} (as {@code rw-r--r--}) when its group or others have any permission on
     * it; empty when only its owner has, or when the file system has no POSIX permissions.
     */
    public static Optional<String> othersMayAccess(Path file) throws IOException {
        requireNonNull(file, "file");
        if (!isPosix(file)) {
            return Optional.empty();
        }
        final Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        if (mode.stream().allMatch(p -> p.name().startsWith("OWNER_"))) {
            return Optional.empty();
        }
        return Optional.of(PosixFilePermissions.toString(mode));
    }

    /**
     * Checks that {@code dir}, when it exists, is a directory of its own (not a symbolic link), owned by the
     * user running this process, that no one else may enter (0700 or narrower).
     *
     * @throws IOException with a sentence saying what is wrong and the command that fixes it
     */
    public static void checkPrivateDirectory(Path dir) throws IOException {
        requireNonNull(dir, "dir");
        final Optional<PosixFileAttributes> attributes = ownAttributes(dir);
        if (attributes.isEmpty()) {
            return;
        }
        if (!attributes.get().isDirectory() && !attributes.get().isSymbolicLink()) {
            throw new IOException(dir + " is not a directory; remove it and try again");
        }
        checkOwnerAndMode(dir, attributes.get(), "700");
    }

    /**
     * Returns the bytes of {@code file} (at most {@code maxBytes}) after checking that it is a regular file of
     * its own (opened without following a symbolic link), owned by the user running this process, that only
     * that user may read (0600 or narrower).
     *
     * @throws java.nio.file.NoSuchFileException when {@code file} does not exist
     * @throws IOException with a sentence saying what is wrong and the command that fixes it
     */
    public static byte[] readPrivate(Path file, int maxBytes) throws IOException {
        requireNonNull(file, "file");
        // O_NOFOLLOW: a link planted in place of the file fails the open itself, so no check can race it.
        try (SeekableByteChannel channel =
                Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            final Optional<PosixFileAttributes> attributes = ownAttributes(file);
            if (attributes.isPresent()) {
                if (!attributes.get().isRegularFile()) {
                    throw new IOException(file + " is not a regular file; remove it and try again");
                }
                checkOwnerAndMode(file, attributes.get(), "600");
            }
            if (channel.size() > maxBytes) {
                throw new IOException(file + " is larger than " + maxBytes + " bytes; remove it and try again");
            }
            final ByteBuffer buf = ByteBuffer.allocate((int) channel.size());
            while (buf.hasRemaining() && channel.read(buf) >= 0) {
                // read until full or end of file
            }
            return Arrays.copyOf(buf.array(), buf.position());
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            // The JDK reports O_NOFOLLOW's ELOOP without naming the file; say what it means.
            if (Files.isSymbolicLink(file)) {
                throw new IOException(
                        file + " is a symbolic link, which is never followed here; remove it and " + "try again");
            }
            throw e;
        }
    }

    /** Returns the attributes of {@code path} itself (a link is not followed), or empty without POSIX or file. */
    private static Optional<PosixFileAttributes> ownAttributes(Path path) throws IOException {
        if (!isPosix(path)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static void checkOwnerAndMode(Path path, PosixFileAttributes attributes, String octalMode)
            throws IOException {
        if (attributes.isSymbolicLink()) {
            throw new IOException(
                    path + " is a symbolic link, which is never followed here; remove it and try " + "again");
        }
        final String user = System.getProperty("user.name");
        final UserPrincipal me =
                path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
        if (!attributes.owner().equals(me)) {
            throw new IOException(path + " belongs to " + attributes.owner().getName() + ", not to " + user
                    + "; remove it and try again");
        }
        final Set<PosixFilePermission> mode = attributes.permissions();
        if (!mode.stream().allMatch(p -> p.name().startsWith("OWNER_"))) {
            throw new IOException(path + " may be read by others (mode " + PosixFilePermissions.toString(mode)
                    + "); run `chmod " + octalMode + " " + path + "` and try again");
        }
    }

    /** Sets {@code file}'s mode to 0600 (nothing on a file system without POSIX permissions). */
    public static void restrictToOwner(Path file) throws IOException {
        requireNonNull(file, "file");
        if (isPosix(file)) {
            Files.setPosixFilePermissions(file, FILE_MODE);
        }
    }

    private static void write(Path file, byte[] bytes, Set<PosixFilePermission> mode) throws IOException {
        requireNonNull(file, "file");
        requireNonNull(bytes, "bytes");
        final Path target = file.toAbsolutePath();
        final Path dir = target.getParent();
        final Path temp = Files.createTempFile(
                dir, '.' + target.getFileName().toString() + '.', ".tmp", attributes(dir, FILE_MODE));
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                writeFully(channel, bytes);
                channel.force(true); // the rename below must never expose an empty file after a crash
            }
            if (!mode.equals(FILE_MODE) && isPosix(temp)) {
                Files.setPosixFilePermissions(temp, mode);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot replace files atomically", e);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void writeFully(FileChannel channel, byte[] bytes) throws IOException {
        final ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    private static FileAttribute<?>[] attributes(Path path, Set<PosixFilePermission> mode) {
        return isPosix(path)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)}
                : new FileAttribute<?>[0];
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
