package dev.portless.connector.edge.pages;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * {@link WebEndpoints} that pick a handler by method and exact path and run it on a worker
 * pool, never on the event loop: handlers may sign tokens, write an outbox file or call an identity
 * provider.
 */
public final class WebRouter implements WebEndpoints {
    private final Map<String, Map<String, Function<WebRequest, WebResponse>>> routes;
    private final Function<WebRequest, WebResponse> notFound;
    private final Executor workers;

    private WebRouter(Builder b, Executor workers) {
        this.routes = Map.copyOf(b.routes);
        this.notFound = b.notFound;
        this.workers = workers;
    }

    /** Returns an empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletableFuture<WebResponse> handle(WebRequest request) {
        Map<String, Function<WebRequest, WebResponse>> byMethod = routes.get(request.path());
        Function<WebRequest, WebResponse> handler;
        if (byMethod == null) {
            handler = notFound;
        } else {
            String method = request.method().equals("HEAD") ? "GET" : request.method();
            handler = byMethod.get(method);
            if (handler == null) {
                String allow = String.join(", ", new TreeSet<>(byMethod.keySet()));
                return CompletableFuture.completedFuture(WebResponse.text(
                                405,
                                request.method() + " is not allowed on " + request.path() + " (expected: " + allow
                                        + ")")
                        .withHeader("Allow", allow));
            }
        }
        try {
            return CompletableFuture.supplyAsync(() -> handler.apply(request), workers);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(WebResponse.text(503, "The edge is busy; try again in a moment.")
                    .withHeader("Retry-After", "5"));
        }
    }

    /** Routes being collected. */
    public static final class Builder {
        private final Map<String, Map<String, Function<WebRequest, WebResponse>>> routes = new LinkedHashMap<>();
        private Function<WebRequest, WebResponse> notFound = r -> WebResponse.text(404, "Not found.");

        /** Adds a GET (and HEAD) handler of {@code path}. */
        public Builder get(String path, Function<WebRequest, WebResponse> handler) {
            return add("GET", path, handler);
        }

        /** Adds a POST handler of {@code path}. */
        public Builder post(String path, Function<WebRequest, WebResponse> handler) {
            return add("POST", path, handler);
        }

        /** Sets the answer for paths no route names. */
        public Builder notFound(Function<WebRequest, WebResponse> handler) {
            notFound = requireNonNull(handler, "handler");
            return this;
        }

        private Builder add(String method, String path, Function<WebRequest, WebResponse> handler) {
            Function<WebRequest, WebResponse> previous = routes.computeIfAbsent(
                            requireNonNull(path, "path"), p -> new LinkedHashMap<>())
                    .put(method, requireNonNull(handler, "handler"));
            if (previous != null) {
                throw new IllegalArgumentException("route: " + method + " " + path + " (expected: each route once)");
            }
            return this;
        }

        /** Returns the router, running handlers on {@code workers}. */
        public WebRouter build(Executor workers) {
            return new WebRouter(this, requireNonNull(workers, "workers"));
        }
    }
}
