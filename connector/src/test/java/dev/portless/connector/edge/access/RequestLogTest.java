package dev.portless.connector.edge.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The access log's line: the fields in their order, the path without its query, the error only when there is one. */
class RequestLogTest {
    @Test
    void anAnsweredRequestsLineNamesEveryFieldAndLeavesTheQueryOut() {
        assertEquals(
                "request=42 identity=ada@example.com app=grafana.example.com client=192.0.2.7 method=GET"
                        + " path=/d/abc status=200 bytes_up=0 bytes_down=1024 duration_ms=3",
                RequestLog.format(new RequestLog.Line(
                        "42",
                        "ada@example.com",
                        "grafana.example.com",
                        "192.0.2.7",
                        "GET",
                        "/d/abc?orgId=1&token={}",
                        200,
                        0,
                        1024,
                        3,
                        null)));
    }

    @Test
    void aFailedRequestsLineEndsWithItsErrorCode() {
        assertEquals(
                "request=- identity=- app=nowhere.example.com client=/192.0.2.7:5000 method=POST path=/ status=404"
                        + " bytes_up=12 bytes_down=230 duration_ms=0 error=unknown_app",
                RequestLog.format(new RequestLog.Line(
                        "-",
                        "-",
                        "nowhere.example.com",
                        "/192.0.2.7:5000",
                        "POST",
                        "/",
                        404,
                        12,
                        230,
                        0,
                        "unknown_app")));
    }
}
