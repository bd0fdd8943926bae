package dev.portless.access.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DoctorReportTest {
    private final DoctorReport failed = new DoctorReport(
            "db.example.com",
            List.of(
                    DoctorStep.pass("edge address", "edge.example.com resolves to 192.0.2.1"),
                    DoctorStep.fail("tcp", "connection refused", "start the edge")));

    @Test
    void tableShowsEachStepAndTheFixOfTheFailure() {
        assertEquals(
                String.format("STEP                DETAIL%n"
                        + "edge address  PASS  edge.example.com resolves to 192.0.2.1%n"
                        + "tcp           FAIL  connection refused%n"
                        + "%nfix: start the edge%n"),
                failed.table());
        assertFalse(failed.passed());
    }

    @Test
    void jsonCarriesTheSameStepsForScripts() throws Exception {
        Map<String, Object> json = Json.readObject(failed.json());
        assertEquals("db.example.com", json.get("target"));
        assertEquals(false, json.get("ok"));
        List<?> steps = (List<?>) json.get("steps");
        assertEquals(2, steps.size());
        assertEquals(
                Map.of("step", "tcp", "result", "FAIL", "detail", "connection refused", "fix", "start the edge"),
                steps.get(1));
        assertEquals(
                Map.of("step", "edge address", "result", "PASS", "detail", "edge.example.com resolves to 192.0.2.1"),
                steps.get(0));
        assertTrue(new DoctorReport("x", List.of(DoctorStep.pass("tcp", "ok"))).passed());
    }
}
