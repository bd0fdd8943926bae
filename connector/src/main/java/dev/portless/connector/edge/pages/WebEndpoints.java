package dev.portless.connector.edge.pages;

import java.util.concurrent.CompletableFuture;

/**
 * The edge's answers to plain HTTP requests: sign-in pages, OAuth endpoints, JWKS. The
 * client listener hands every request that is not a stream upgrade here.
 */
@FunctionalInterface
public interface WebEndpoints {
    /** Returns the response to {@code request}; never completes on the caller's event loop by blocking it. */
    CompletableFuture<WebResponse> handle(WebRequest request);
}
