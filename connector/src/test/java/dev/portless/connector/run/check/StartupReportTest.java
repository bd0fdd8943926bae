package dev.portless.connector.run.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StartupReportTest {
    private static final CheckRow DNS_A = CheckRow.pass("a:7844", CheckStep.DNS, "10.0.0.1");
    private static final CheckRow TCP_A = CheckRow.pass("a:7844", CheckStep.TCP, "connected");
    private static final CheckRow DNS_B = CheckRow.pass("b:7844", CheckStep.DNS, "10.0.0.2");

    @Test
    void theTableAlignsColumnsAndPutsTheRemedyUnderItsRow() {
        StartupReport report = new StartupReport(List.of(
                DNS_A, CheckRow.fail("a:7844", CheckStep.TCP, CheckFailure.temporary("open port 7844"), "refused")));

        assertEquals("""
                EDGE    CHECK  RESULT  DETAIL
                a:7844  DNS    PASS    10.0.0.1
                a:7844  TCP    FAIL    refused
                  remedy: open port 7844
                """, report.table());
    }

    @Test
    void aTemporaryFailureOnEveryEdgeRefusesWithTempfail() {
        StartupReport report = new StartupReport(List.of(
                CheckRow.fail("a:7844", CheckStep.TCP, CheckFailure.temporary("x"), "refused"),
                CheckRow.fail("b:7844", CheckStep.DNS, CheckFailure.temporary("y"), "no name")));

        assertEquals(Optional.of(ExitStatus.TEMPORARY), report.refusal());
        assertEquals(75, report.refusal().get().code());
    }

    @Test
    void aTemporaryFailureBesideAHealthyEdgeStarts() {
        StartupReport report = new StartupReport(List.of(
                DNS_A, TCP_A, DNS_B, CheckRow.fail("b:7844", CheckStep.TCP, CheckFailure.temporary("x"), "refused")));

        assertEquals(Optional.empty(), report.refusal());
    }

    @Test
    void aPermanentFailureRefusesEvenBesideAHealthyEdge() {
        StartupReport report = new StartupReport(List.of(
                DNS_A,
                TCP_A,
                DNS_B,
                CheckRow.fail("b:7844", CheckStep.CREDENTIALS, CheckFailure.credentials("new token"), "refused")));

        assertEquals(Optional.of(ExitStatus.CREDENTIALS), report.refusal());
        assertEquals(77, report.refusal().get().code());
        assertFalse(report.refusal().get().retryMayHelp());
    }

    @Test
    void exitCodesFollowSysexits() {
        assertEquals(0, ExitStatus.OK.code());
        assertEquals(2, ExitStatus.USAGE.code());
        assertEquals(78, ExitStatus.CONFIG.code());
        assertTrue(ExitStatus.TEMPORARY.retryMayHelp());
        assertFalse(ExitStatus.CONFIG.retryMayHelp());
    }

    @Test
    void anEmptyReportIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new StartupReport(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new CheckFailure(ExitStatus.OK, "x"));
    }
}
