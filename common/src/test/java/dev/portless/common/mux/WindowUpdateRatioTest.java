package dev.portless.common.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A stream read by its channel returns its credit once it has taken an eighth of its window, not half. */
class WindowUpdateRatioTest {
    private static final int STREAM_WINDOW = 256 << 10;
    private static final int EIGHTH = STREAM_WINDOW / 8;

    @Test
    void creditReturnsAfterAnEighthOfTheWindow() {
        try (EmbeddedClientStream connection = new EmbeddedClientStream(STREAM_WINDOW)) {
            connection.deliver(EIGHTH - 1);
            assertEquals(
                    0,
                    connection.streamCredit(connection.written()),
                    "credit returned before an eighth of the window was taken");

            connection.deliver(1);
            assertEquals(
                    EIGHTH,
                    connection.streamCredit(connection.written()),
                    "an eighth of the window taken, its credit not returned");

            // Netty's default would return nothing until half the window was taken.
            connection.deliver(EIGHTH);
            assertEquals(
                    EIGHTH, connection.streamCredit(connection.written()), "the second eighth's credit not returned");
        }
    }
}
