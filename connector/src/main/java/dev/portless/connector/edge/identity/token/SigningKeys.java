package dev.portless.connector.edge.identity.token;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.portless.common.files.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's app-token signing keys (EC P-256), kept in {@code <state-dir>/signing-keys}, one
 * owner-only JWK file per key. The newest key signs; when it is older than the rotation period a new
 * one takes over, and the retired key stays published in the JWKS for a grace period (the longest app
 * token lifetime and a margin) so tokens it signed keep verifying until they expire, then its file is
 * deleted.
 *
 * <p>Disk is touched only in {@link #open} and {@link #rotateIfDue()}, never on an event loop; the
 * key set in use is an immutable snapshot behind a volatile field.
 */
public final class SigningKeys {
    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final String DIR = "signing-keys";
    private static final String SUFFIX = ".jwk.json";

    private final Path dir;
    private final Duration rotation;
    private final Duration grace;
    private final Clock clock;
    private volatile Snapshot snapshot;

    private SigningKeys(Path dir, Duration rotation, Duration grace, Clock clock) {
        this.dir = dir;
        this.rotation = rotation;
        this.grace = grace;
        this.clock = clock;
    }

    /**
     * Returns the keys in {@code stateDir}, creating the directory (0700) and a first key when needed.
     *
     * @param rotation how long one key signs before a new one takes over
     * @param grace    how long a retired key stays published
     * @throws UncheckedIOException with a sentence naming the directory when it cannot be used
     */
    public static SigningKeys open(Path stateDir, Duration rotation, Duration grace, Clock clock) {
        requireNonNull(stateDir, "stateDir");
        SigningKeys keys = new SigningKeys(
                stateDir.resolve(DIR),
                requireNonNull(rotation, "rotation"),
                requireNonNull(grace, "grace"),
                requireNonNull(clock, "clock"));
        try {
            createPrivateDirectory(stateDir);
            createPrivateDirectory(keys.dir);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot use the state directory " + stateDir + ": " + e.getMessage()
                            + " (check state-dir in edge.yml and that the edge may write there)",
                    e);
        }
        keys.rotateIfDue();
        return keys;
    }

    /** Returns the key that signs new tokens. */
    public ECKey signingKey() {
        return snapshot.signing();
    }

    /** Returns the public halves of every published key: the JWKS. */
    public JWKSet publicKeys() {
        return snapshot.published();
    }

    /**
     * Re-reads the directory (another replica may have added a key), makes a new signing key when the
     * newest is older than the rotation period, and deletes retired keys past their grace period.
     *
     * @throws UncheckedIOException when the directory cannot be read or written
     */
    public synchronized void rotateIfDue() {
        try {
            List<ECKey> keys = readAll();
            Instant now = clock.instant();
            if (keys.isEmpty()
                    || created(keys.get(keys.size() - 1)).plus(rotation).isBefore(now)) {
                ECKey fresh = generate(now);
                write(fresh);
                keys.add(fresh);
                log.info("New app-token signing key {} ({} key(s) published)", fresh.getKeyID(), keys.size());
            }
            List<ECKey> kept = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                boolean retired = i < keys.size() - 1;
                if (retired && created(keys.get(i + 1)).plus(grace).isBefore(now)) {
                    Files.deleteIfExists(file(keys.get(i).getKeyID()));
                    log.info(
                            "Deleted retired app-token signing key {}",
                            keys.get(i).getKeyID());
                } else {
                    kept.add(keys.get(i));
                }
            }
            List<JWK> published = new ArrayList<>();
            kept.forEach(k -> published.add(k.toPublicJWK()));
            snapshot = new Snapshot(kept.get(kept.size() - 1), new JWKSet(published));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read or write the signing keys in " + dir + ": " + e.getMessage(), e);
        }
    }

    private List<ECKey> readAll() throws IOException {
        List<ECKey> keys = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                try {
                    JWK jwk = JWK.parse(Files.readString(f, StandardCharsets.UTF_8));
                    if (jwk instanceof ECKey ec
                            && ec.isPrivate()
                            && Curve.P_256.equals(ec.getCurve())
                            && ec.getIssueTime() != null
                            && ec.getKeyID() != null) {
                        keys.add(ec);
                    } else {
                        log.warn("Ignoring {}: not a private P-256 signing key with kid and iat", f);
                    }
                } catch (ParseException e) {
                    log.warn("Ignoring {}: not a JWK ({})", f, e.getMessage());
                }
            }
        }
        keys.sort(Comparator.comparing(SigningKeys::created).thenComparing(JWK::getKeyID));
        return keys;
    }

    private static ECKey generate(Instant now) {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .keyIDFromThumbprint(true)
                    .issueTime(Date.from(now))
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a P-256 key: " + e.getMessage(), e);
        }
    }

    private void write(ECKey key) throws IOException {
        OwnerOnlyFiles.write(file(key.getKeyID()), (key.toJSONString() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private Path file(String kid) {
        return dir.resolve(kid + SUFFIX);
    }

    private static Instant created(JWK key) {
        return key.getIssueTime().toInstant();
    }

    private static void createPrivateDirectory(Path d) throws IOException {
        OwnerOnlyFiles.createPrivateDirectory(d)
                .ifPresent(p -> log.warn("Tightening permissions of {} from {} to rwx------", d, p));
    }

    private record Snapshot(ECKey signing, JWKSet published) {}
}
