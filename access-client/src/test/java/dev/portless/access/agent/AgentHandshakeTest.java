package dev.portless.access.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The front's handshake lines as the agent reads them, one at a time. */
class AgentHandshakeTest {
    private static final String MAIN = "org.example.Main";

    @Test
    void aWholeHandshakeGivesTheArgumentsAndEnvironmentInOrder() throws Exception {
        AgentHandshake h = new AgentHandshake("s3cret", 10);
        assertNull(h.accept("portless-agent 1"));
        assertNull(h.accept("secret s3cret"));
        assertNull(h.accept("arg ssh"));
        assertNull(h.accept("arg --hostname"));
        assertNull(h.accept("env PORTLESS_EDGE=https://edge.example:8443/a=b"));
        assertNull(h.accept("arg db.example.com"));
        AgentRequest request = h.accept("go");
        assertEquals(List.of("ssh", "--hostname", "db.example.com"), request.args());
        assertEquals(Map.of("PORTLESS_EDGE", "https://edge.example:8443/a=b"), request.env());
        assertEquals("ssh", request.command());
    }

    @Test
    void aWrongSecretIsRefusedWithASentenceThatQuotesNoPartOfIt() throws Exception {
        AgentHandshake h = new AgentHandshake("s3cret", 10);
        h.accept("portless-agent 1");
        AgentHandshake.Refusal r = assertThrows(AgentHandshake.Refusal.class, () -> h.accept("secret s3cre"));
        assertEquals("the agent refused the secret; its endpoint file is stale or was replaced", r.getMessage());
    }

    @Test
    void aRequestWithoutTheSecretIsRefused() throws Exception {
        AgentHandshake h = new AgentHandshake("s3cret", 10);
        h.accept("portless-agent 1");
        assertThrows(AgentHandshake.Refusal.class, () -> h.accept("arg ssh"));
    }

    @Test
    void anotherProtocolIsRefusedAtTheFirstLine() {
        AgentHandshake h = new AgentHandshake("s3cret", 10);
        AgentHandshake.Refusal r = assertThrows(AgentHandshake.Refusal.class, () -> h.accept("GET / HTTP/1.1"));
        assertTrue(r.getMessage().contains("portless-agent 1"), r.getMessage());
    }

    @Test
    void tooManyLinesAndUnknownLinesAreRefused() throws Exception {
        AgentHandshake h = new AgentHandshake("s3cret", 4);
        h.accept("portless-agent 1");
        h.accept("secret s3cret");
        AgentHandshake.Refusal unknown = assertThrows(AgentHandshake.Refusal.class, () -> h.accept("exec rm"));
        assertEquals(
                "the agent cannot read the request line \"exec\" (expected: arg, env or go)", unknown.getMessage());
        h.accept("arg a");
        AgentHandshake.Refusal many = assertThrows(AgentHandshake.Refusal.class, () -> h.accept("arg b"));
        assertEquals("the request to the agent has more than 4 lines", many.getMessage());
    }

    @Test
    void theAgentCommandKeepsTheLauncherFlagsAndDropsC1OnlyAndTraining() {
        assertEquals(
                List.of("/jdk/bin/java", "-XX:+UseSerialGC", "-cp", "x.jar", MAIN, "agent"),
                AgentLauncher.agentCommand(
                                "/jdk/bin/java",
                                List.of(
                                        "-XX:+UseSerialGC",
                                        "-XX:TieredStopAtLevel=1",
                                        "-cp",
                                        "x.jar",
                                        MAIN,
                                        "ssh",
                                        "--hostname",
                                        "h"))
                        .orElseThrow());
        assertTrue(AgentLauncher.agentCommand("/jdk/bin/java", List.of("-cp", "x.jar", "-jar", "app.jar"))
                .isEmpty());
        assertTrue(AgentLauncher.agentCommand("/jdk/bin/java", List.of("-XX:ArchiveClassesAtExit=a.jsa", MAIN, "ssh"))
                .isEmpty());
    }
}
