package dev.portless.connector.token;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's published signing keys as the connector knows them: fetched from the edge's
 * JWKS URL over HTTPS (trusting {@code edge-ca}), cached, refreshed every few minutes and whenever a
 * token names a key the cache lacks (at most once per {@link #MIN_REFETCH}, so a stream of forged
 * {@code kid}s cannot hammer the edge). Fetches run on the HTTP client's own threads, never on an
 * event loop.
 */
public final class EdgeKeys {
    private static final Logger log = LoggerFactory.getLogger(EdgeKeys.class);
    /** How long fetched keys are used before they are fetched again in the background. */
    static final Duration MAX_AGE = Duration.ofMinutes(5);
    /** The shortest time between two fetches. */
    static final Duration MIN_REFETCH = Duration.ofSeconds(5);
    /**
     * The shortest time between a failed fetch and the next: shorter than {@link #MIN_REFETCH}, since until a
     * fetch succeeds every stream whose key is missing is refused (a loaded edge can miss one fetch's timeout).
     */
    static final Duration MIN_RETRY = Duration.ofSeconds(1);

    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_JWKS_BYTES = 256 * 1024;

    private final URI jwksUrl;
    private final HttpClient http;
    private final Clock clock;
    // Guarded by this.
    private JWKSet keys = new JWKSet();
    private Instant fetchedAt = Instant.EPOCH;
    private CompletableFuture<JWKSet> inFlight;
    private String lastFailure;

    EdgeKeys(URI jwksUrl, HttpClient http, Clock clock) {
        this.jwksUrl = jwksUrl;
        this.http = http;
        this.clock = clock;
    }

    /**
     * Returns keys fetched from {@code jwksUrl}, trusting the PEM certificates in {@code ca} (or the
     * system's trust store), fetching on {@code executor}.
     */
    public static EdgeKeys fetchingFrom(URI jwksUrl, Optional<Path> ca, Executor executor) {
        requireNonNull(jwksUrl, "jwksUrl");
        HttpClient http = HttpClient.newBuilder()
                .sslContext(sslContext(requireNonNull(ca, "ca")))
                .connectTimeout(FETCH_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(requireNonNull(executor, "executor"))
                .build();
        return new EdgeKeys(jwksUrl, http, Clock.systemUTC());
    }

    /** Returns the URL the keys come from. */
    public URI url() {
        return jwksUrl;
    }

    /** Returns the cached keys; starts a background refresh when they are old. */
    public synchronized JWKSet current() {
        if (Duration.between(fetchedAt, clock.instant()).compareTo(MAX_AGE) > 0) {
            refresh();
        }
        return keys;
    }

    /**
     * Returns keys that hold {@code kid} if the edge publishes it: the cache when it does, else the
     * result of a fetch (a shared one if one is running; the cache when one ran very recently).
     */
    public synchronized CompletableFuture<JWKSet> withKey(String kid) {
        JWKSet now = current();
        if (now.getKeyByKeyId(kid) != null) {
            return CompletableFuture.completedFuture(now);
        }
        Duration guard = lastFailure == null ? MIN_REFETCH : MIN_RETRY;
        if (inFlight == null && Duration.between(fetchedAt, clock.instant()).compareTo(guard) < 0) {
            return CompletableFuture.completedFuture(now);
        }
        return refresh();
    }

    /** Returns the sentence of the last failed fetch, if the last fetch failed. */
    public synchronized Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** Starts a fetch unless one is running; returns its result (the old keys when it fails). */
    public synchronized CompletableFuture<JWKSet> refresh() {
        if (inFlight != null) {
            return inFlight;
        }
        HttpRequest request = HttpRequest.newBuilder(jwksUrl)
                .timeout(FETCH_TIMEOUT)
                .header("Accept", "application/json")
                .GET()
                .build();
        CompletableFuture<JWKSet> fetch = http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(EdgeKeys::parse)
                .handle((fetched, failure) -> settle(fetched, failure));
        inFlight = fetch;
        return fetch;
    }

    private synchronized JWKSet settle(JWKSet fetched, Throwable failure) {
        inFlight = null;
        fetchedAt = clock.instant();
        if (failure != null) {
            Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
            String sentence = "cannot fetch the edge's signing keys from " + jwksUrl + ": " + describe(cause)
                    + " (check edge-issuer or edge-jwks-url and edge-ca in connector.yml)";
            if (!sentence.equals(lastFailure)) {
                log.warn(sentence);
            }
            lastFailure = sentence;
            return keys;
        }
        if (lastFailure != null || keys.isEmpty()) {
            log.info("Fetched {} signing key(s) of the edge from {}", fetched.size(), jwksUrl);
        }
        lastFailure = null;
        keys = fetched;
        return keys;
    }

    private static JWKSet parse(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            byte[] body = in.readNBytes(MAX_JWKS_BYTES + 1);
            if (response.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + response.statusCode());
            }
            if (body.length > MAX_JWKS_BYTES) {
                throw new IllegalStateException("the JWKS is larger than " + MAX_JWKS_BYTES + " bytes");
            }
            // Public keys only: a JWKS that carried private parts would be refused by the parser's caller anyway.
            return JWKSet.parse(new String(body, java.nio.charset.StandardCharsets.UTF_8))
                    .toPublicJWKSet();
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("not a JWKS: " + e.getMessage(), e);
        }
    }

    private static String describe(Throwable t) {
        if (t instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (t instanceof javax.net.ssl.SSLException) {
            return "TLS failed (" + t.getMessage() + ")";
        }
        if (t instanceof java.net.http.HttpTimeoutException) {
            return "no answer within " + FETCH_TIMEOUT.toSeconds() + " s";
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static SSLContext sslContext(Optional<Path> ca) {
        try {
            if (ca.isEmpty()) {
                return SSLContext.getDefault();
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            try (InputStream in = Files.newInputStream(ca.get())) {
                int i = 0;
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("edge-ca-" + i++, c);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "cannot load the CA file " + ca.orElse(null) + " to check the edge's " + "JWKS URL: "
                            + e.getMessage(),
                    e);
        }
    }
}
