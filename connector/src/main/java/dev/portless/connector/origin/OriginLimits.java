package dev.portless.connector.origin;

/**
 * The fixed sizes of the web proxy, which {@code connector run} takes from its {@code ConnectorLimits}.
 *
 * @param maxInitialLine  longest status line an origin may send
 * @param maxHeaderSize   largest response header block an origin may send
 * @param maxChunkSize    largest piece of a response body passed on at once (one DATA frame or a few)
 * @param unixLoopThreads event loop threads of the epoll transport that unix-socket origins use
 * @param maxRetryBodyBytes the request body kept per request so that it can go again when the origin did
 *     not process it; a request whose body streamed past it is not sent again
 * @param maxRequestTries   how many times in all a request the origin never processed may be sent, the
 *     first try included; every try after the first goes on a connection dialed for it alone
 */
public record OriginLimits(
        int maxInitialLine,
        int maxHeaderSize,
        int maxChunkSize,
        int unixLoopThreads,
        int maxRetryBodyBytes,
        int maxRequestTries) {
    /** Checks that every size is positive. */
    public OriginLimits {
        if (maxInitialLine < 1
                || maxHeaderSize < 1
                || maxChunkSize < 1
                || unixLoopThreads < 1
                || maxRetryBodyBytes < 1
                || maxRequestTries < 1) {
            throw new IllegalArgumentException("every origin limit must be positive: " + maxInitialLine + ", "
                    + maxHeaderSize + ", " + maxChunkSize + ", " + unixLoopThreads + ", " + maxRetryBodyBytes
                    + ", " + maxRequestTries);
        }
    }
}
