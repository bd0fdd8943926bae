package dev.portless.connector.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.demo.DemoCertificates;
import dev.portless.connector.edge.config.EdgeConfig;
import dev.portless.connector.edge.config.IdentityProviderEntry;
import dev.portless.connector.reload.ReloadOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The swap of a reload: the providers are made again only when {@code identity-providers} changed, after the file
 * was read and before anything is in use, and a provider that cannot be made keeps the whole running configuration.
 */
class LiveEdgeConfigTest {
    private static final String FILE = """
            listen: 127.0.0.1:8443
            tunnel-listen: 127.0.0.1:7844
            issuer: https://edge.example.com
            tls:
              certificate: edge.pem
              key: edge-key.pem
            identity-providers:
              - name: email
                type: pin
                outbox: outbox
            tunnels:
              - name: office
                id: 6f1c2b9e-0d4a-4f3e-9a57-2c8e1b7d5a10
                secret-sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
            apps:
              - hostname: ssh.example.com
                tunnel: office
            """;

    private Path dir;
    private Path file;
    private LiveEdgeConfig live;
    private final List<List<IdentityProviderEntry>> asked = new ArrayList<>();
    private int swaps;

    @BeforeEach
    void start() throws IOException {
        dir = Files.createTempDirectory("portless-live");
        DemoCertificates.write(dir, List.of("localhost"), List.of("127.0.0.1"));
        file = dir.resolve("edge.yml");
        Files.writeString(file, FILE);
        live = new LiveEdgeConfig(EdgeSnapshot.of(EdgeConfig.load(file)));
    }

    @AfterEach
    void clean() throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void providersAreMadeAgainOnlyWhenTheirEntriesChanged() throws IOException {
        Files.writeString(file, FILE + "  - hostname: db.example.com\n    tunnel: office\n");
        ReloadOutcome appAdded = live.reload(file, this::record);
        assertTrue(appAdded.applied(), appAdded.lines().toString());
        assertEquals(List.of(), asked, "the same providers are not made again");
        assertEquals(0, swaps);

        Files.writeString(file, FILE.replace("outbox: outbox", "outbox: outbox\n    display-name: Mail me"));
        ReloadOutcome changed = live.reload(file, this::record);
        assertTrue(changed.applied(), changed.lines().toString());
        assertEquals(1, asked.size());
        assertEquals("Mail me", asked.get(0).get(0).displayName());
        assertEquals(1, swaps, "the new providers were put in use");
        assertEquals(
                "Changed in " + file + ": apps removed db.example.com; identity-providers changed email",
                changed.lines().get(1));
        assertEquals(2, changed.lines().size(), "identity-providers is no longer kept until a restart");
    }

    @Test
    void aProviderThatCannotBeMadeKeepsTheWholeRunningConfiguration() throws IOException {
        String refusedFile = FILE.replace("outbox: outbox", "outbox: elsewhere")
                + "  - hostname: db.example.com\n    tunnel: office\n";
        Files.writeString(file, refusedFile);
        ReloadOutcome refused = live.reload(file, entries -> {
            throw new ProviderRefusal(0, "outbox", "cannot create the PIN outbox elsewhere: Permission denied", null);
        });
        assertFalse(refused.applied());
        assertEquals(
                "Reload refused, the running configuration stays: " + file
                        + ":10: identity-providers[0].outbox: cannot create the PIN outbox elsewhere: Permission denied",
                refused.lines().get(0));
        assertEquals(Set.of("ssh.example.com"), live.current().apps().keySet(), "the new app waits too");

        ReloadOutcome again = live.reload(file, this::record);
        assertTrue(again.applied(), again.lines().toString());
        assertEquals(1, asked.size(), "the refused change is tried again at the next reload");
        assertEquals(
                Set.of("ssh.example.com", "db.example.com"),
                live.current().apps().keySet());
    }

    private Runnable record(List<IdentityProviderEntry> entries) {
        asked.add(entries);
        return () -> swaps++;
    }
}
