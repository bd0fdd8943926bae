package dev.portless.connector.fuzz;

import dev.portless.connector.edge.config.EdgeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeConfigFuzzTest {

    @TempDir
    Path dir;

    @Test
    void mutatedEdgeFilesLoadOrNameFileAndLine() throws IOException {
        Files.writeString(dir.resolve("edge.crt"), "-----BEGIN CERTIFICATE-----\n");
        Files.writeString(dir.resolve("edge.key"), "-----BEGIN PRIVATE KEY-----\n");
        ConfigFuzzing.run(
                "edge-config",
                dir.resolve("edge.yml"),
                Mutations.iterations(1000),
                Mutations.announce("EdgeConfigFuzzTest"),
                EdgeConfig::load);
    }
}
