package dev.portless.it.web;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A web origin that does what an app behind Cloudflare Access does: it verifies {@code
 * Cf-Access-Jwt-Assertion} with the edge's published JWKS (signature, issuer, audience, expiry) and
 * answers 200 with the token's {@code sub} and {@code email}, or 403 with the reason.
 */
final class JwtCheckingOrigin implements AutoCloseable {
    private final HttpServer server;
    private final String audience;
    private String issuer; // guarded by this
    private Path edgeCa; // guarded by this
    private DefaultJWTProcessor<SecurityContext> processor; // guarded by this

    private JwtCheckingOrigin(HttpServer server, String audience) {
        this.server = server;
        this.audience = audience;
        server.createContext("/", this::answer);
    }

    /**
     * Returns a started origin on a loopback port that checks tokens of {@code audience}, once told
     * which edge to trust (the edge's configuration needs this origin's port first).
     */
    static JwtCheckingOrigin start(String audience) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        JwtCheckingOrigin origin = new JwtCheckingOrigin(server, audience);
        server.start();
        return origin;
    }

    /** Trusts tokens from {@code issuer}, whose JWKS is fetched at the first request over TLS trusting {@code edgeCa}. */
    synchronized void trustEdge(String issuer, Path edgeCa) {
        this.issuer = issuer;
        this.edgeCa = edgeCa;
    }

    private synchronized DefaultJWTProcessor<SecurityContext> processor() throws Exception {
        if (processor == null) {
            HttpClient client =
                    HttpClient.newBuilder().sslContext(trusting(edgeCa)).build();
            HttpResponse<String> jwks = client.send(
                    HttpRequest.newBuilder(URI.create(issuer + "/.well-known/jwks.json"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (jwks.statusCode() != 200) {
                throw new IllegalStateException("the edge's JWKS answered " + jwks.statusCode());
            }
            DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
            // The edge's tokens say what they are in typ; nimbus accepts only JWT or none unless told.
            p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("portless-app+jwt")));
            p.setJWSKeySelector(new JWSVerificationKeySelector<>(
                    Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256, JWSAlgorithm.EdDSA),
                    new ImmutableJWKSet<>(JWKSet.parse(jwks.body()))));
            p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                    audience, new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("exp", "sub")));
            processor = p;
        }
        return processor;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange;
                InputStream body = exchange.getRequestBody()) {
            body.readAllBytes();
            String token = exchange.getRequestHeaders().getFirst("Cf-Access-Jwt-Assertion");
            int status;
            String text;
            if (token == null) {
                status = 403;
                text = "no Cf-Access-Jwt-Assertion";
            } else {
                try {
                    JWTClaimsSet claims = processor().process(token, null);
                    status = 200;
                    text = "sub=" + claims.getSubject() + " email=" + claims.getClaim("email");
                } catch (Exception e) {
                    status = 403;
                    text = "rejected: " + e.getMessage();
                }
            }
            byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    static SSLContext trusting(Path caPem) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            X509Certificate ca =
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            store.setCertificateEntry("ca", ca);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
