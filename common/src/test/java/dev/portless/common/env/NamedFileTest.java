package dev.portless.common.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamedFileTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileNamesTheVariable() {
        Path missing = dir.resolve("x");
        NamedFile file = NamedFile.fromFlagOrVariable(
                        "--edge-ca", null, "PORTLESS_EDGE_CA", Map.of("PORTLESS_EDGE_CA", missing.toString()))
                .orElseThrow();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, file::readString);
        assertEquals(
                "PORTLESS_EDGE_CA=" + missing + ": cannot read the file: No such file or directory", e.getMessage());
    }

    @Test
    void aDirectoryNamesTheFlag() {
        NamedFile file = NamedFile.fromFlagOrVariable("--edge-ca", dir, "PORTLESS_EDGE_CA", Map.of())
                .orElseThrow();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, file::readString);
        assertEquals("--edge-ca=" + dir + ": cannot read the file: Is a directory", e.getMessage());
    }

    @Test
    void theFlagWinsOverTheVariable() throws IOException {
        Path flag = Files.writeString(dir.resolve("flag"), "from the flag");
        Path variable = Files.writeString(dir.resolve("variable"), "from the variable");
        NamedFile file = NamedFile.fromFlagOrVariable("--f", flag, "F", Map.of("F", variable.toString()))
                .orElseThrow();
        assertEquals("from the flag", file.readString());
        assertEquals(
                "from the variable",
                NamedFile.fromFlagOrVariable("--f", null, "F", Map.of("F", variable.toString()))
                        .orElseThrow()
                        .readString());
    }

    @Test
    void anEmptyVariableNamesNoFile() {
        assertEquals(Optional.empty(), NamedFile.fromFlagOrVariable("--f", null, "F", Map.of("F", "")));
        assertEquals(Optional.empty(), NamedFile.fromFlagOrVariable("--f", null, "F", Map.of()));
    }

    @Test
    void aFileThatIsNotTextSaysSo() throws IOException {
        Path binary = Files.write(dir.resolve("bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0});
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new NamedFile("F", binary).readString());
        assertTrue(e.getMessage().startsWith("F=" + binary + ": the file is not UTF-8 text"), e.getMessage());
    }

    @Test
    void aHugeFileIsRefusedBeforeItIsRead() throws IOException {
        Path big = Files.write(dir.resolve("big"), new byte[(int) NamedFile.MAX_BYTES + 1]);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new NamedFile("F", big).readString());
        assertEquals(
                "F=" + big + ": the file is larger than 1 MiB (check that this is the right file)", e.getMessage());
    }
}
