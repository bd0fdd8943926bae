package dev.portless.common.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerOnlyFilesTest {

    @TempDir
    Path dir;

    @Test
    void createsMissingDirectoriesOwnerOnlyAndLeavesExistingOnesAlone() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        final Path deep = dir.resolve("a").resolve("b");

        OwnerOnlyFiles.createDirectories(deep);

        assertEquals("rwx------", mode(dir.resolve("a")));
        assertEquals("rwx------", mode(deep));
        assertEquals("rwxr-xr-x", mode(dir), "an existing parent is not the caller's to change");
    }

    @Test
    void narrowsAPrivateDirectoryOthersCouldReadAndSaysWhatItWas() throws IOException {
        final Path state = Files.createDirectory(
                dir.resolve("state"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));

        assertEquals(Optional.of("rwxr-x---"), OwnerOnlyFiles.createPrivateDirectory(state));
        assertEquals("rwx------", mode(state));
        assertEquals(Optional.empty(), OwnerOnlyFiles.createPrivateDirectory(state));
        assertEquals(Optional.empty(), OwnerOnlyFiles.createPrivateDirectory(dir.resolve("new")));
        assertEquals("rwx------", mode(dir.resolve("new")));
    }

    @Test
    void writesOwnerOnlyAndReplacesAtomicallyLeavingNoTemporaryFile() throws IOException {
        final Path file = dir.resolve("secret.json");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

        OwnerOnlyFiles.write(file, "new\n".getBytes(StandardCharsets.UTF_8));

        assertEquals("new\n", Files.readString(file));
        assertEquals("rw-------", mode(file), "the new file has its own mode, not the replaced file's");
        assertEquals(List.of(file), list(dir));
    }

    @Test
    void writesAPublicFileReadableByEveryone() throws IOException {
        final Path file = dir.resolve("key.pub");

        OwnerOnlyFiles.writePublic(file, new byte[] {1, 2, 3});

        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
        assertEquals("rw-r--r--", mode(file));
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        final Path missing = dir.resolve("nope").resolve("file");

        assertThrows(IOException.class, () -> OwnerOnlyFiles.write(missing, new byte[1]));
        final Path target = Files.createDirectory(dir.resolve("target"));
        Files.writeString(target.resolve("x"), "inside");
        assertThrows(
                IOException.class,
                () -> OwnerOnlyFiles.write(target, new byte[1]),
                "a non-empty directory cannot be replaced by a file");
        assertEquals(List.of(target), list(dir));
        assertEquals("inside", Files.readString(target.resolve("x")));
    }

    @Test
    void createsANewFileOnceWithItsModeFromTheStart() throws IOException {
        final Path file = dir.resolve("token.secret");

        OwnerOnlyFiles.createFile(file, "s3cret\n".getBytes(StandardCharsets.UTF_8));

        assertEquals("s3cret\n", Files.readString(file));
        assertEquals("rw-------", mode(file));
        assertThrows(FileAlreadyExistsException.class, () -> OwnerOnlyFiles.createFile(file, new byte[0]));
        assertEquals("s3cret\n", Files.readString(file), "an existing file is never overwritten");
    }

    @Test
    void appendsToAFileItCreatesOwnerOnly() throws IOException {
        final Path file = dir.resolve("audit.log");

        append(file, "one\n");
        append(file, "two\n");

        assertEquals("one\ntwo\n", Files.readString(file));
        assertEquals("rw-------", mode(file));
    }

    @Test
    void saysWhenOthersMayAccessAFileAndNarrowsIt() throws IOException {
        final Path file = Files.writeString(dir.resolve("f"), "x");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        assertEquals(Optional.of("rw-r-----"), OwnerOnlyFiles.othersMayAccess(file));
        OwnerOnlyFiles.restrictToOwner(file);
        assertEquals(Optional.empty(), OwnerOnlyFiles.othersMayAccess(file));
        assertEquals("rw-------", mode(file));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        assertEquals(Optional.empty(), OwnerOnlyFiles.othersMayAccess(file), "owner-only, if read-only");
    }

    private static void append(Path file, String text) throws IOException {
        try (FileChannel channel = OwnerOnlyFiles.openForAppend(file)) {
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }
}
