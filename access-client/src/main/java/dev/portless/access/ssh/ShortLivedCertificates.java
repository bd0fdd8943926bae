package dev.portless.access.ssh;

import static java.util.Objects.requireNonNull;

import dev.portless.access.edge.AccessException;
import dev.portless.access.login.AppSignIn;
import dev.portless.access.token.CachedToken;
import dev.portless.common.files.OwnerOnlyFiles;
import dev.portless.common.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * {@code access ssh-gen}'s work: an Ed25519 key pair per app in the token cache directory (0600),
 * and a short-lived OpenSSH certificate for it from the edge's {@code POST /ssh/sign}, fetched again when
 * missing or about to expire.
 */
public final class ShortLivedCertificates {
    /** A certificate with less than this left is replaced. */
    public static final Duration RENEW_BEFORE = Duration.ofSeconds(60);
    /** The path of the edge's signing endpoint. */
    public static final String SIGN_PATH = "/ssh/sign";

    private final Path directory;
    private final Clock clock;

    /** Returns the keys kept in {@code directory}. */
    public ShortLivedCertificates(Path directory, Clock clock) {
        this.directory = requireNonNull(directory, "directory");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Returns the private key file of {@code app}: {@code <directory>/<app>-ssh-key}. */
    public Path keyFile(String app) {
        return directory.resolve(app.toLowerCase(Locale.ROOT) + "-ssh-key");
    }

    /** Returns the certificate file next to {@code key}: {@code <key>-cert.pub}. */
    public static Path certificateFile(Path key) {
        return key.resolveSibling(key.getFileName() + "-cert.pub");
    }

    /**
     * Makes sure the key of {@code signIn}'s app exists and has a certificate with more than
     * {@link #RENEW_BEFORE} to live, asking {@code edge} for one (signing in when needed); returns the key file.
     */
    public Path ensure(AppSignIn signIn, URI edge, SSLContext tls, Duration timeout)
            throws AccessException, InterruptedException {
        String app = signIn.app();
        Path key = keyFile(app);
        KeyPair pair;
        try {
            pair = loadOrCreate(key);
        } catch (IOException | GeneralSecurityException e) {
            throw new AccessException("Cannot read or create the SSH key " + key + ": " + e.getMessage());
        }
        Path certFile = certificateFile(key);
        if (validBefore(certFile, pair.getPublic())
                .filter(t -> t.isAfter(clock.instant().plus(RENEW_BEFORE)))
                .isPresent()) {
            return key;
        }
        String publicLine = PublicKeyEntry.toString(pair.getPublic());
        HttpClient http = HttpClient.newBuilder()
                .sslContext(tls)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        CachedToken token = signIn.token();
        HttpResponse<String> response = post(http, edge, token, publicLine, timeout);
        if (response.statusCode() == 401 && !signIn.isFromSignIn(token)) {
            // A cached token the edge no longer accepts (keys rotated, edge state reset): sign in again, once.
            signIn.reject(token);
            response = post(http, edge, signIn.token(), publicLine, timeout);
        }
        Map<String, Object> body;
        try {
            body = Json.readObject(response.body());
        } catch (ParseException e) {
            throw new AccessException("The edge " + edge + " answered " + response.statusCode() + " without JSON to "
                    + SIGN_PATH + "; is it a Portless edge?");
        }
        if (response.statusCode() != 200 || !(body.get("certificate") instanceof String certificate)) {
            Object why = body.get("error_description");
            throw new AccessException("The edge refused an SSH certificate for " + app + ": "
                    + (why != null ? why : "HTTP " + response.statusCode()));
        }
        try {
            PublicKey parsed = parse(certificate.trim());
            if (!(parsed instanceof OpenSshCertificate cert)
                    || !KeyUtils.compareKeys(cert.getCertPubKey(), pair.getPublic())) {
                throw new AccessException("The edge answered with a certificate for another key; not saved.");
            }
            writeFile(certFile, (certificate.trim() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
        } catch (IOException | GeneralSecurityException e) {
            throw new AccessException("Cannot save the SSH certificate " + certFile + ": " + e.getMessage());
        }
        return key;
    }

    private static HttpResponse<String> post(
            HttpClient http, URI edge, CachedToken token, String publicLine, Duration timeout)
            throws AccessException, InterruptedException {
        String json = Json.write(Map.of("public_key", publicLine));
        HttpRequest request = HttpRequest.newBuilder(URI.create(edge + SIGN_PATH))
                .timeout(timeout)
                .header("Authorization", "Bearer " + token.token())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AccessException("Cannot reach the edge " + edge + " for an SSH certificate: " + e.getMessage());
        }
    }

    /** Returns when the certificate in {@code file} expires, if it exists, parses and belongs to {@code key}. */
    Optional<Instant> validBefore(Path file, PublicKey key) {
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            PublicKey parsed = parse(Files.readString(file).trim());
            if (parsed instanceof OpenSshCertificate cert && KeyUtils.compareKeys(cert.getCertPubKey(), key)) {
                long before = cert.getValidBefore();
                return Optional.of(before < 0 ? Instant.MAX : Instant.ofEpochSecond(before));
            }
            return Optional.empty();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static PublicKey parse(String line) throws IOException, GeneralSecurityException {
        return AuthorizedKeyEntry.parseAuthorizedKeyEntry(line).resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
    }

    private static KeyPair loadOrCreate(Path key) throws IOException, GeneralSecurityException {
        if (Files.exists(key)) {
            try (var in = Files.newInputStream(key)) {
                Iterator<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, new PathResource(key), in, null)
                        .iterator();
                if (keys.hasNext()) {
                    return keys.next();
                }
            }
            throw new IOException("no key in the file (delete it to make a new one)");
        }
        KeyPair pair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        ByteArrayOutputStream pem = new ByteArrayOutputStream();
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "portless", null, pem);
        writeFile(key, pem.toByteArray(), false);
        ByteArrayOutputStream pub = new ByteArrayOutputStream();
        OpenSSHKeyPairResourceWriter.INSTANCE.writePublicKey(pair, "portless", pub);
        writeFile(key.resolveSibling(key.getFileName() + ".pub"), pub.toByteArray(), true);
        return pair;
    }

    /**
     * Writes {@code bytes} to {@code file} atomically, 0600 or, for a {@code publicFile}, 0644, creating the
     * directory (0700).
     */
    private static void writeFile(Path file, byte[] bytes, boolean publicFile) throws IOException {
        OwnerOnlyFiles.createDirectories(file.toAbsolutePath().getParent());
        if (publicFile) {
            OwnerOnlyFiles.writePublic(file, bytes);
        } else {
            OwnerOnlyFiles.write(file, bytes);
        }
    }
}
