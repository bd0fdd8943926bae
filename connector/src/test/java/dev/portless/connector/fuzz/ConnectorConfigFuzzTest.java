package dev.portless.connector.fuzz;

import dev.portless.connector.run.ConnectorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorConfigFuzzTest {

    @TempDir
    Path dir;

    @Test
    void mutatedConnectorFilesLoadOrNameFileAndLine() throws IOException {
        Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(dir.resolve("secrets/tunnel.json"), "{}");
        Files.writeString(dir.resolve("edge-ca.pem"), "pem");
        ConfigFuzzing.run(
                "connector-config",
                dir.resolve("connector.yml"),
                Mutations.iterations(1000),
                Mutations.announce("ConnectorConfigFuzzTest"),
                ConnectorConfig::load);
    }
}
