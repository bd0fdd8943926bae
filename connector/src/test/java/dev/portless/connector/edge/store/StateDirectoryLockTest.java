package dev.portless.connector.edge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One edge per state directory without a shared store. Operating-system file locks belong to a process, so in
 * this one JVM a second hold is refused through the JVM's own overlap check, not the kernel's lock: this test
 * covers the sentence, the release and the stale file; {@code StateDirectoryLockTest} of the integration tests
 * starts two edge processes on one directory for the kernel's refusal and a holder killed with SIGKILL.
 */
class StateDirectoryLockTest {

    @Test
    void aSecondHoldIsRefusedWithTheDirectoryAndTheFix(@TempDir Path stateDir) {
        try (StateDirectoryLock first = StateDirectoryLock.take(stateDir)) {
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> StateDirectoryLock.take(stateDir));
            assertEquals(
                    "another edge (process " + ProcessHandle.current().pid() + ") uses the state directory " + stateDir
                            + "; give each edge its own state-dir, or use store: postgres so edges share their state",
                    e.getMessage());
        }
    }

    @Test
    void aReleasedHoldFreesTheDirectoryAndItsFileStaysOwnerOnly(@TempDir Path stateDir) throws Exception {
        StateDirectoryLock.take(stateDir).close();
        Path file = stateDir.resolve(StateDirectoryLock.NAME);
        assertTrue(Files.exists(file), "the lock file is never deleted");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (StateDirectoryLock again = StateDirectoryLock.take(stateDir)) {
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(file));
        }
    }

    @Test
    void aFileLeftByACrashedEdgeBlocksNobody(@TempDir Path stateDir) throws Exception {
        Path file = stateDir.resolve(StateDirectoryLock.NAME);
        Files.writeString(file, "4000000\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        try (StateDirectoryLock hold = StateDirectoryLock.take(stateDir)) {
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(file), "the holder's id replaces it");
        }
    }

    @Test
    void theSingleEdgeStoreHoldsItsStateDirectoryUntilItCloses(@TempDir Path stateDir) {
        Clock clock = Clock.systemUTC();
        InMemoryEdgeStore first = InMemoryEdgeStore.keptIn(stateDir, clock);
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> InMemoryEdgeStore.keptIn(stateDir, clock));
        assertTrue(e.getMessage().contains("uses the state directory " + stateDir), e.getMessage());
        first.close();
        InMemoryEdgeStore.keptIn(stateDir, clock).close();
    }
}
