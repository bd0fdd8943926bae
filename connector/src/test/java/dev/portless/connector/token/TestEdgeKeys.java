package dev.portless.connector.token;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;

/** The edge's keys on a test's clock, for tests outside this package (the constructor stays package-private). */
public final class TestEdgeKeys {
    private TestEdgeKeys() {}

    /** Returns keys fetched from {@code jwksUrl} with {@code http}, aged by {@code clock}. */
    public static EdgeKeys fetchingFrom(URI jwksUrl, HttpClient http, Clock clock) {
        return new EdgeKeys(jwksUrl, http, clock);
    }
}
