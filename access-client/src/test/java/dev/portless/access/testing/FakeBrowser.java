package dev.portless.access.testing;

import dev.portless.access.login.BrowserOpener;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A "browser" that does what a real one does with the sign-in URL: load the authorization
 * endpoint (the fake server signs the user in at once), follow its redirect to the CLI's loopback
 * listener, and keep the page it got.
 */
public final class FakeBrowser implements BrowserOpener {
    private final HttpClient http;
    private final CompletableFuture<HttpResponse<String>> page = new CompletableFuture<>();
    private volatile int opened;

    /** Returns a browser that trusts the CA in {@code caPem}. */
    public FakeBrowser(Path caPem) throws Exception {
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        try (var in = Files.newInputStream(caPem)) {
            anchors.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(anchors);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        this.http = HttpClient.newBuilder()
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public void open(URI uri) {
        opened++;
        Thread t = new Thread(
                () -> {
                    try {
                        HttpResponse<String> authorize =
                                http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                        String location = authorize
                                .headers()
                                .firstValue("Location")
                                .orElseThrow(() -> new IOException("no redirect: HTTP " + authorize.statusCode()));
                        try {
                            page.complete(http.send(
                                    HttpRequest.newBuilder(URI.create(location)).build(),
                                    HttpResponse.BodyHandlers.ofString()));
                        } catch (IOException e) {
                            throw new IOException("GET " + location + ": " + e, e);
                        }
                    } catch (Exception e) {
                        page.completeExceptionally(e);
                    }
                },
                "fake-browser");
        t.setDaemon(true);
        t.start();
    }

    /** Returns how many times the CLI opened this browser. */
    public int opened() {
        return opened;
    }

    /** Returns the page the CLI's listener answered the redirect with. */
    public CompletableFuture<HttpResponse<String>> page() {
        return page;
    }
}
