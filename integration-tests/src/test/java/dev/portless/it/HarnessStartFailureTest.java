package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.harness.SignInStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A harness whose start fails leaves nothing behind: the edge it started is stopped when the connector refuses
 * its configuration, and its scratch directory is gone, so one failed test does not hold ports and CPU for the
 * rest of the suite.
 */
class HarnessStartFailureTest {

    @Test
    void aPortlessStackWhoseConnectorRefusesItsConfigurationStopsItsEdge() throws Exception {
        Set<Long> before = liveDescendants();
        PortlessStack stack = PortlessStack.builder()
                .app("echo.portless.test", "tcp://127.0.0.1:9")
                .connectorSetting("no-such-setting", "1")
                .build();
        assertFailedStartLeavesNothing(before, stack, stack::start, stack.dir());
    }

    @Test
    void aSignInStackWhoseConnectorRefusesItsConfigurationStopsItsEdge() throws Exception {
        Set<Long> before = liveDescendants();
        SignInStack stack = SignInStack.builder()
                .app("echo.portless.test", "include:\n  - everyone: true\n", "", "no-such-scheme://127.0.0.1:9")
                .build();
        assertFailedStartLeavesNothing(before, stack, stack::start, stack.caFile());
    }

    /**
     * Asserts that {@code start}, the start of {@code stack}, fails at the connector after the edge listened, and
     * leaves no process that was not alive {@code before} and no {@code stackFile}.
     */
    private static void assertFailedStartLeavesNothing(
            Set<Long> before, AutoCloseable stack, Executable start, Path stackFile) throws Exception {
        try {
            AssertionError failure = assertThrows(AssertionError.class, start);

            assertConnectorRefusedAfterTheEdgeListened(failure);
            assertEquals(Set.of(), startedSince(before), "processes the start left alive");
            assertFalse(Files.exists(stackFile), "the stack's directory is deleted");
        } finally {
            stack.close();
        }
    }

    // The connector starts only once the edge printed that it listens: a refusal from the connector proves the
    // edge was running when the start failed.
    private static void assertConnectorRefusedAfterTheEdgeListened(AssertionError failure) {
        String message = failure.getMessage();
        assertTrue(
                message.startsWith("dev.portless.connector.ConnectorMain exited with ")
                        && message.contains("/registered tunnel tests/"),
                message);
    }

    /** Returns the ids of the live processes below this JVM (the suite runs one test at a time). */
    private static Set<Long> liveDescendants() {
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    /** Returns the live processes below this JVM that were not in {@code before}, each with its command. */
    private static Set<String> startedSince(Set<Long> before) {
        return ProcessHandle.current()
                .descendants()
                .filter(p -> p.isAlive() && !before.contains(p.pid()))
                .map(p -> p.pid() + " " + p.info().command().orElse("?"))
                .collect(Collectors.toSet());
    }
}
