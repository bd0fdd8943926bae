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
import dev.portless.connector.edge.store.EdgeStore;
import dev.portless.connector.edge.store.StoredKey;
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
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's app-token signing keys (EC P-256), kept in {@code <state-dir>/signing-keys}, one
 * owner-only JWK file per key, or in the {@link EdgeStore} several edges share, so that every edge signs with
 * the same key and publishes the same JWKS. The newest key signs; when it is older than the rotation period a new
 * one takes over, and the retired key stays published in the JWKS for a grace period (the longest app
 * token lifetime and a margin) so tokens it signed keep verifying until they expire, then its file is
 * deleted.
 *
 * <p>Disk and store are touched only in {@link #open} and {@link #rotateIfDue()}, never on an event loop; the
 * key set in use is an immutable snapshot behind a volatile field.
 */
public final class SigningKeys {
    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final String DIR = "signing-keys";
    private static final String SUFFIX = ".jwk.json";
    /** The kind under which the shared store keeps these keys. */
    private static final String STORE_KIND = "app-token-signing";

    private final Shelf shelf;
    private final Duration rotation;
    private final Duration grace;
    private final Clock clock;
    private volatile Snapshot snapshot;

    private SigningKeys(Shelf shelf, Duration rotation, Duration grace, Clock clock) {
        this.shelf = shelf;
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
        Path dir = stateDir.resolve(DIR);
        SigningKeys keys = new SigningKeys(
                new DirectoryShelf(dir),
                requireNonNull(rotation, "rotation"),
                requireNonNull(grace, "grace"),
                requireNonNull(clock, "clock"));
        try {
            createPrivateDirectory(stateDir);
            createPrivateDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot use the state directory " + stateDir + ": " + e.getMessage()
                            + " (check state-dir in edge.yml and that the edge may write there)",
                    e);
        }
        keys.rotateIfDue();
        return keys;
    }

    /**
     * Returns the keys kept in {@code store}, shared by every edge that uses it, creating a first key when needed.
     *
     * @param rotation how long one key signs before a new one takes over
     * @param grace    how long a retired key stays published
     * @throws dev.portless.connector.edge.store.StoreUnavailableException when the store cannot be reached
     */
    public static SigningKeys shared(EdgeStore store, Duration rotation, Duration grace, Clock clock) {
        SigningKeys keys = new SigningKeys(
                new StoreShelf(requireNonNull(store, "store")),
                requireNonNull(rotation, "rotation"),
                requireNonNull(grace, "grace"),
                requireNonNull(clock, "clock"));
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
     * Re-reads the directory or store (another edge may have added a key), makes a new signing key when the
     * newest is older than the rotation period, and deletes retired keys past their grace period.
     *
     * @throws UncheckedIOException when the directory cannot be read or written
     * @throws dev.portless.connector.edge.store.StoreUnavailableException when the store cannot be reached
     */
    public synchronized void rotateIfDue() {
        try {
            List<ECKey> keys = shelf.readAll();
            Instant now = clock.instant();
            if (keys.isEmpty()
                    || created(keys.get(keys.size() - 1)).plus(rotation).isBefore(now)) {
                ECKey fresh = generate(now);
                boolean added = shelf.addUnlessOneSince(fresh, now.minus(rotation));
                keys = shelf.readAll();
                if (added) {
                    log.info("New app-token signing key {} ({} key(s) published)", fresh.getKeyID(), keys.size());
                } else {
                    log.info(
                            "Signing with app-token key {}, which another edge added a moment ago",
                            keys.get(keys.size() - 1).getKeyID());
                }
            }
            List<ECKey> kept = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                boolean retired = i < keys.size() - 1;
                if (retired && created(keys.get(i + 1)).plus(grace).isBefore(now)) {
                    shelf.delete(keys.get(i).getKeyID());
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
                    "cannot read or write the signing keys in " + shelf + ": " + e.getMessage(), e);
        }
    }

    /** Returns {@code text} as a signing key, or empty (with a warning naming {@code where}) when it is not one. */
    private static Optional<ECKey> parse(String text, Object where) {
        try {
            JWK jwk = JWK.parse(text);
            if (jwk instanceof ECKey ec
                    && ec.isPrivate()
                    && Curve.P_256.equals(ec.getCurve())
                    && ec.getIssueTime() != null
                    && ec.getKeyID() != null) {
                return Optional.of(ec);
            }
            log.warn("Ignoring {}: not a private P-256 signing key with kid and iat", where);
        } catch (ParseException e) {
            log.warn("Ignoring {}: not a JWK ({})", where, e.getMessage());
        }
        return Optional.empty();
    }

    private static List<ECKey> sorted(List<ECKey> keys) {
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

    private static Instant created(JWK key) {
        return key.getIssueTime().toInstant();
    }

    private static void createPrivateDirectory(Path d) throws IOException {
        OwnerOnlyFiles.createPrivateDirectory(d)
                .ifPresent(p -> log.warn("Tightening permissions of {} from {} to rwx------", d, p));
    }

    private record Snapshot(ECKey signing, JWKSet published) {}

    /** Where the keys are kept. */
    private interface Shelf {
        List<ECKey> readAll() throws IOException;

        /** Adds {@code key} unless a key created at or after {@code since} is there; false when it did not. */
        boolean addUnlessOneSince(ECKey key, Instant since) throws IOException;

        void delete(String kid) throws IOException;
    }

    /** One owner-only JWK file per key in a directory. */
    private record DirectoryShelf(Path dir) implements Shelf {
        @Override
        public List<ECKey> readAll() throws IOException {
            List<ECKey> keys = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
                for (Path f : files) {
                    parse(Files.readString(f, StandardCharsets.UTF_8), f).ifPresent(keys::add);
                }
            }
            return sorted(keys);
        }

        @Override
        public boolean addUnlessOneSince(ECKey key, Instant since) throws IOException {
            // One edge per state directory (its lock file), and rotateIfDue is synchronized: nobody adds between
            // this edge's read and its write.
            OwnerOnlyFiles.write(file(key.getKeyID()), (key.toJSONString() + "\n").getBytes(StandardCharsets.UTF_8));
            return true;
        }

        @Override
        public void delete(String kid) throws IOException {
            Files.deleteIfExists(file(kid));
        }

        private Path file(String kid) {
            return dir.resolve(kid + SUFFIX);
        }

        @Override
        public String toString() {
            return dir.toString();
        }
    }

    /** The keys of kind {@value #STORE_KIND} in the shared store. */
    private record StoreShelf(EdgeStore store) implements Shelf {
        @Override
        public List<ECKey> readAll() {
            List<ECKey> keys = new ArrayList<>();
            for (StoredKey k : store.keys(STORE_KIND)) {
                parse(k.value(), "the stored signing key " + k.id()).ifPresent(keys::add);
            }
            return sorted(keys);
        }

        @Override
        public boolean addUnlessOneSince(ECKey key, Instant since) {
            return store.addKeyUnlessOneSince(
                    STORE_KIND,
                    new StoredKey(
                            key.getKeyID(),
                            key.toJSONString(),
                            key.getIssueTime().toInstant()),
                    since);
        }

        @Override
        public void delete(String kid) {
            store.deleteKey(STORE_KIND, kid);
        }

        @Override
        public String toString() {
            return "the shared store";
        }
    }
}
