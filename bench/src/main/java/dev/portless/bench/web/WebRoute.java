package dev.portless.bench.web;

/** The routes an HTTP request can take from wrk to the nginx origin in the bench. */
enum WebRoute {
    /** Straight to the origin, plain HTTP. */
    NGINX("nginx", "nginx"),
    /** Through a second nginx with TLS and {@code proxy_pass}: what a user runs today with an open port. */
    NGINX_PROXY("nginx-proxy", "nginx proxy"),
    /** connector edge (TLS) → connector run (TLS, HTTP/2) → origin. */
    PORTLESS("portless", "Portless");

    private final String key;
    private final String label;

    WebRoute(String key, String label) {
        this.key = key;
        this.label = label;
    }

    String key() {
        return key;
    }

    String label() {
        return label;
    }

    /** Returns the route named {@code key} in results.tsv, or null for a route of another table. */
    static WebRoute ofKey(String key) {
        for (WebRoute r : values()) {
            if (r.key.equals(key)) {
                return r;
            }
        }
        return null;
    }
}
