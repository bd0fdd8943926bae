package dev.portless.access.doctor;

import dev.portless.access.edge.EdgeEndpoint;
import dev.portless.common.json.Json;
import dev.portless.common.wire.AppTokenClaims;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The edge's discovery document ({@code /.well-known/oauth-authorization-server}) as {@code access doctor}
 * fetches it, with the edge's clock read from the answer's {@code Date} header. Blocking: never call it on an
 * event loop.
 */
final class EdgeDiscovery {
    /** More difference than this between the clocks makes fresh tokens look expired or not yet valid. */
    static final Duration MAX_SKEW = Duration.ofSeconds(30);

    private EdgeDiscovery() {}

    /**
     * The answer.
     *
     * @param problem  why the document is unusable, or empty when it names its issuer
     * @param issuer   the issuer it names, or empty
     * @param edgeTime the edge's clock from {@code Date}, or empty when the header is missing
     */
    record Answer(Optional<String> problem, Optional<String> issuer, Optional<Instant> edgeTime) {}

    /** Returns the edge's discovery answer, fetched with {@code tls} within {@code timeout}. */
    static Answer fetch(EdgeEndpoint edge, SSLContext tls, Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder()
                .sslContext(tls)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(
                    HttpRequest.newBuilder(URI.create(edge + AppTokenClaims.METADATA_PATH))
                            .GET()
                            .header("Accept", "application/json")
                            .timeout(timeout)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Answer(
                    Optional.of("GET " + AppTokenClaims.METADATA_PATH + " failed: " + e.getMessage()),
                    Optional.empty(),
                    Optional.empty());
        }
        Optional<Instant> edgeTime = response.headers().firstValue("Date").flatMap(EdgeDiscovery::httpDate);
        if (response.statusCode() != 200) {
            return new Answer(
                    Optional.of("GET " + AppTokenClaims.METADATA_PATH + " answered HTTP " + response.statusCode()),
                    Optional.empty(),
                    edgeTime);
        }
        try {
            String issuer = Json.string(Json.readObject(response.body()), "issuer");
            return new Answer(Optional.empty(), Optional.of(issuer), edgeTime);
        } catch (ParseException e) {
            return new Answer(
                    Optional.of("the discovery document is broken: " + e.getMessage()), Optional.empty(), edgeTime);
        }
    }

    private static Optional<Instant> httpDate(String text) {
        try {
            return Optional.of(ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
