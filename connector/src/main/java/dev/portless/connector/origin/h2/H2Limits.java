package dev.portless.connector.origin.h2;

/**
 * The fixed sizes of the connector's HTTP/2 connections to origins, which {@code connector run} takes
 * from its {@code ConnectorLimits}.
 *
 * @param streamWindow      bytes of one response an origin may send before the edge side reads them:
 *                          what one stalled download can hold in memory
 * @param connectionWindow  bytes of all responses on one connection together, above the 64 KiB start
 * @param maxHeaderListSize largest response header block an origin may send
 */
public record H2Limits(int streamWindow, int connectionWindow, int maxHeaderListSize) {
    /** Checks that the windows are legal HTTP/2 windows and the header limit positive. */
    public H2Limits {
        if (streamWindow < 65_535 || connectionWindow < 65_535 || maxHeaderListSize < 1) {
            throw new IllegalArgumentException("HTTP/2 origin limits: " + streamWindow + ", " + connectionWindow + ", "
                    + maxHeaderListSize + " (expected: windows >= 65535, a positive header limit)");
        }
    }
}
