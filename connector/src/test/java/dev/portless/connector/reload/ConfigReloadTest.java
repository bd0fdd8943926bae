package dev.portless.connector.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.admin.AdminAnswer;
import dev.portless.common.json.FlatJson;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigReloadTest {
    private static final Path EDGE = Path.of("/etc/portless/edge.yml");
    private static final Path CONNECTOR = Path.of("/etc/portless/connector.yml");

    @Test
    void anAppliedReloadAnswersWithWhatChangedAndTheKeptSettings() {
        ReloadOutcome outcome = ReloadOutcome.applied(
                EDGE, "Reloaded " + EDGE + ": 2 app(s)", List.of("apps added b.test"), List.of("listen", "limits"));
        AdminAnswer answer = new ConfigReload(() -> List.of(outcome)).run("{}");

        assertEquals(200, answer.status());
        Map<String, String> body = FlatJson.parse(answer.json());
        assertEquals("applied", body.get("outcome"));
        assertEquals(
                "Reloaded /etc/portless/edge.yml: 2 app(s)\n"
                        + "Changed in /etc/portless/edge.yml: apps added b.test\n"
                        + "Reload kept the running listen, limits of /etc/portless/edge.yml:"
                        + " these settings change only at a restart",
                body.get("report"));
    }

    @Test
    void oneRefusedFileOfTwoMakesTheAnswerARefusalThatNamesTheLine() {
        ReloadOutcome edge = ReloadOutcome.applied(EDGE, "Reloaded " + EDGE, List.of(), List.of());
        ReloadOutcome connector = ReloadOutcome.refused(CONNECTOR, CONNECTOR + ":2: no-such-setting: unknown key");
        AdminAnswer answer = new ConfigReload(() -> List.of(edge, connector)).run("");

        assertEquals(422, answer.status());
        Map<String, String> body = FlatJson.parse(answer.json());
        assertEquals("refused", body.get("outcome"));
        assertEquals(
                "Reload refused, the running configuration stays:"
                        + " /etc/portless/connector.yml:2: no-such-setting: unknown key\n"
                        + "Reloaded /etc/portless/edge.yml\n"
                        + "Nothing that a reload applies changed in /etc/portless/edge.yml",
                body.get("error"));
        assertTrue(edge.applied());
        assertFalse(connector.applied());
    }

    @Test
    void changesNameTheEntriesAddedRemovedAndChangedAndTheSettingsByNameOnly() {
        SettingChanges changes = new SettingChanges()
                .entries("apps", Map.of("a", 1, "b", 2, "c", 3), Map.of("b", 2, "c", 4, "d", 5, "e", 6))
                .entries("tunnels", Map.of("t", 1), Map.of("t", 1))
                .setting("store", "postgresql://u:secret@db/x", "postgresql://u:other@db/x")
                .setting("listen", "0.0.0.0:443", "0.0.0.0:443");

        assertEquals(List.of("apps added d, e, removed a, changed c", "store changed"), changes.described());
        assertEquals(List.of("store"), changes.names());
    }
}
