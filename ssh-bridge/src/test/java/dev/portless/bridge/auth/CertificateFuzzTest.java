package dev.portless.bridge.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Mutated OpenSSH certificates and public keys presented to the bridge's certificate check, the way
 * {@code CertificateUserAuth} reads them: a blob with mutated bytes is unreadable or refused, never accepted and
 * never an exception out of the check; a certificate with mutated fields, signed again, is accepted exactly when
 * every field is valid by the rules worked out here (type, CA, signature algorithm, certified key, validity with
 * 60 s of skew, principals, critical options), whatever its nonce, serial and extensions.
 *
 * <p>The build runs the fixed seed; {@code -Dportless.fuzz.seed=N} replays or explores (as {@code scripts/fuzz}
 * does) and {@code -Dportless.fuzz.iterations=N} runs longer.
 */
// One instance for all tests: generating the RSA CA key costs more than a test's fuzzing.
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CertificateFuzzTest {

    private static final long CI_SEED = 20261204L;
    private static final long NOW = Instant.parse("2030-01-01T00:30:00Z").getEpochSecond();
    private static final long SKEW = CertificateVerifier.CLOCK_SKEW.getSeconds();
    private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();
    private static final String LOGIN = "alice";

    private final KeyPair ca = generate("EC");
    private final KeyPair rsaCa = generate("RSA");
    private final KeyPair untrustedCa = generate("EC");
    private final KeyPair user = generate("EC");
    private final CertificateVerifier verifier = new CertificateVerifier(
            TrustedCaKeys.of(List.of(trusted(ca.getPublic()), trusted(rsaCa.getPublic()))),
            Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

    @Test
    void mutatedFieldsSignedAgainAreAcceptedOnlyWhenValid() throws Exception {
        final long seed = seed();
        final SplittableRandom random = announce("mutatedFieldsSignedAgainAreAcceptedOnlyWhenValid", seed);
        final int iterations = iterations(500);
        for (int i = 0; i < iterations; i++) {
            final CertificateFields fields = new CertificateFields(user.getPublic(), ca);
            final StringBuilder changes = new StringBuilder();
            // The last change of a field decides whether that field is valid.
            final Map<Integer, Boolean> verdicts = new HashMap<>();
            for (int m = 1 + random.nextInt(3); m > 0; m--) {
                final int field = random.nextInt(9);
                verdicts.put(field, mutateField(field, fields, random, changes));
            }
            final boolean valid = !verdicts.containsValue(false);
            final OpenSshCertificate cert = fields.sign();
            final String replay = "seed " + seed + ", iteration " + i + ":" + changes;
            final CertificateDecision decision = verifyQuietly(cert, replay);
            assertEquals(valid, decision instanceof CertificateDecision.Accepted, () -> decision + " for " + replay);
        }
    }

    @Test
    void mutatedCertificateAndKeyBytesAreNeverAccepted() throws Exception {
        final long seed = seed();
        final SplittableRandom random = announce("mutatedCertificateAndKeyBytesAreNeverAccepted", seed);
        final CertificateFields base = new CertificateFields(user.getPublic(), ca);
        base.criticalOptions = List.of(new OpenSshCertificate.CertificateOption("source-address", "127.0.0.0/8"));
        final byte[] cert = blob(base.sign());
        final byte[] rsaCert = blob(new CertificateFields(user.getPublic(), rsaCa).sign("rsa-sha2-512"));
        final List<byte[]> seeds = List.of(cert, rsaCert, blob(user.getPublic()), blob(ca.getPublic()));
        assertEquals(
                CertificateDecision.Accepted.class,
                verifyQuietly(read(cert), "the seed").getClass());
        final int iterations = iterations(5_000);
        for (int i = 0; i < iterations; i++) {
            final byte[] original = seeds.get(random.nextInt(seeds.size()));
            final byte[] mutated = mutateBytes(original, random);
            final String replay = "seed " + seed + ", iteration " + i + ", blob "
                    + HexFormat.of().formatHex(mutated);
            final PublicKey key;
            try {
                key = read(mutated);
            } catch (SshException | RuntimeException e) {
                continue; // What CertificateUserAuth refuses as "cannot be read as an OpenSSH key".
            }
            if (verifyQuietly(key, replay) instanceof CertificateDecision.Accepted) {
                // Only bytes after the key, which the reader ignores, may change and leave the same certificate.
                assertArrayEquals(original, blob(key), () -> "a mutated certificate was accepted: " + replay);
            }
        }
    }

    /** Found by the fuzzing: MINA reads the signature blob only when asked, and a short one threw out of the check. */
    @Test
    void aMalformedSignatureBlobIsRefusedWithASentence() throws Exception {
        final ByteArrayBuffer buffer = new ByteArrayBuffer();
        buffer.putRawBytes(new CertificateFields(user.getPublic(), ca).sign().getMessage());
        // The signature's algorithm name claims 16 MiB that are not there.
        buffer.putBytes(new byte[] {0, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'x'});

        final CertificateDecision decision = verifyQuietly(read(buffer.getCompactData()), "a short signature");

        final String reason =
                assertInstanceOf(CertificateDecision.Refused.class, decision).reason();
        assertTrue(reason.contains("the CA signature is malformed"), reason);
    }

    /** Changes {@code field} of {@code fields} and returns whether its new value is valid. */
    private boolean mutateField(int field, CertificateFields fields, SplittableRandom random, StringBuilder changes) {
        switch (field) {
            case 0 -> {
                fields.nonce = bytes(random, random.nextBoolean() ? 16 : 32);
                changes.append(" nonce");
                return true;
            }
            case 1 -> {
                fields.serial = random.nextLong();
                changes.append(" serial ").append(Long.toUnsignedString(fields.serial));
                return true;
            }
            case 2 -> {
                fields.principals = pick(
                        random,
                        List.of(),
                        List.of("root"),
                        List.of("Alice"),
                        List.of("alice "),
                        List.of("ops", LOGIN),
                        List.of(LOGIN + ",ops"),
                        List.of(LOGIN));
                changes.append(" principals ").append(fields.principals);
                return fields.principals.contains(LOGIN);
            }
            case 3 -> {
                final long[] edges = {
                    0,
                    NOW - 7200,
                    NOW - SKEW - 1,
                    NOW - SKEW,
                    NOW - SKEW + 1,
                    NOW,
                    NOW + SKEW,
                    NOW + SKEW + 1,
                    NOW + 7200,
                    OpenSshCertificate.INFINITY,
                    Long.MIN_VALUE
                };
                fields.validAfter = edges[random.nextInt(edges.length)];
                fields.validBefore = edges[random.nextInt(edges.length)];
                changes.append(" valid ")
                        .append(Long.toUnsignedString(fields.validAfter))
                        .append("..")
                        .append(Long.toUnsignedString(fields.validBefore));
                return Long.compareUnsigned(fields.validAfter, NOW + SKEW) <= 0
                        && (fields.validBefore == OpenSshCertificate.INFINITY
                                || Long.compareUnsigned(NOW - SKEW, fields.validBefore) < 0);
            }
            case 4 -> {
                final String[][] choices = {
                    {},
                    {"source-address", "127.0.0.1/32"},
                    {"source-address", "10.0.0.0/8,127.0.0.1"},
                    {"source-address", "10.0.0.0/8"},
                    {"source-address", "127.0.0.1/33"},
                    {"source-address", ""},
                    {"force-command", "/bin/true"},
                    {"verify-required", null},
                    {"no-such-option@example.com", "x"}
                };
                final String[] choice = choices[random.nextInt(choices.length)];
                fields.criticalOptions = choice.length == 0
                        ? List.of()
                        : List.of(new OpenSshCertificate.CertificateOption(choice[0], choice[1]));
                changes.append(" critical ").append(Arrays.toString(choice));
                // Only no option, or a well-formed source-address naming the client, may log in.
                return choice.length == 0 || Arrays.asList(choices).indexOf(choice) <= 2;
            }
            case 5 -> {
                fields.extensions = pick(
                        random,
                        List.of(),
                        List.of(new OpenSshCertificate.CertificateOption("permit-pty")),
                        List.of(new OpenSshCertificate.CertificateOption("no-such-extension@example.com", "x")));
                changes.append(" extensions ").append(fields.extensions);
                return true;
            }
            case 6 -> {
                final int which = random.nextInt(3);
                fields.signer = which == 0 ? untrustedCa : which == 1 ? rsaCa : ca;
                fields.algorithm = which == 1 ? pick(random, "ssh-rsa", "rsa-sha2-256", "rsa-sha2-512") : null;
                changes.append(" signed by ").append(which == 0 ? "an untrusted CA" : which == 1 ? "RSA CA" : "CA");
                changes.append(' ').append(fields.algorithm);
                return which != 0 && !"ssh-rsa".equals(fields.algorithm);
            }
            case 7 -> {
                fields.host = random.nextBoolean();
                changes.append(fields.host ? " host certificate" : " user certificate");
                return !fields.host;
            }
            default -> {
                final int which = random.nextInt(3);
                fields.certified = which == 0
                        ? ca.getPublic()
                        : which == 1 ? generate("EC").getPublic() : user.getPublic();
                changes.append(which == 0 ? " certifies the CA key" : " certifies another key");
                return which != 0;
            }
        }
    }

    private CertificateDecision verifyQuietly(PublicKey key, String replay) {
        try {
            return verifier.verify(LOGIN, key, CLIENT);
        } catch (RuntimeException e) {
            return fail("the check threw " + e + " for " + replay, e);
        }
    }

    private static byte[] mutateBytes(byte[] original, SplittableRandom random) {
        byte[] out = original;
        do {
            for (int m = 1 + random.nextInt(3); m > 0 && out.length > 0; m--) {
                final int at = random.nextInt(out.length);
                out = switch (random.nextInt(5)) {
                    case 0 -> flip(out, at, random);
                    case 1 -> Arrays.copyOf(out, at);
                    case 2 -> {
                        // A length or count field set to an extreme: the bytes readers trust most.
                        final byte[] copy = out.clone();
                        Arrays.fill(copy, at, Math.min(copy.length, at + 4), random.nextBoolean() ? (byte) 0xff : 0);
                        yield copy;
                    }
                    case 3 -> {
                        final byte[] copy = Arrays.copyOf(out, out.length + 1);
                        System.arraycopy(out, at, copy, at + 1, out.length - at);
                        copy[at] = (byte) random.nextInt(256);
                        yield copy;
                    }
                    default -> {
                        final byte[] copy = new byte[out.length - 1];
                        System.arraycopy(out, 0, copy, 0, at);
                        System.arraycopy(out, at + 1, copy, at, out.length - at - 1);
                        yield copy;
                    }
                };
            }
        } while (Arrays.equals(out, original));
        return out;
    }

    private static byte[] flip(byte[] in, int at, SplittableRandom random) {
        final byte[] out = in.clone();
        out[at] ^= (byte) (1 << random.nextInt(8));
        return out;
    }

    private static PublicKey read(byte[] blob) throws SshException {
        return new ByteArrayBuffer(blob).getRawPublicKey();
    }

    private static byte[] blob(PublicKey key) {
        final ByteArrayBuffer buffer = new ByteArrayBuffer();
        buffer.putRawPublicKey(key);
        return buffer.getCompactData();
    }

    private static byte[] bytes(SplittableRandom random, int length) {
        final byte[] out = new byte[length];
        random.nextBytes(out);
        return out;
    }

    @SafeVarargs
    private static <T> T pick(SplittableRandom random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static TrustedCa trusted(PublicKey key) {
        return new TrustedCa(key, KeyUtils.getFingerPrint(key), "fuzz");
    }

    private static KeyPair generate(String algorithm) {
        try {
            final KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException("cannot generate a " + algorithm + " key: " + e.getMessage(), e);
        }
    }

    private static SplittableRandom announce(String name, long seed) {
        System.out.println("CertificateFuzzTest." + name + ": fuzz seed " + seed + " (replay with -Dportless.fuzz.seed="
                + seed + ')');
        return new SplittableRandom(seed);
    }

    private static long seed() {
        final String configured = System.getProperty("portless.fuzz.seed", "").trim();
        if (configured.isEmpty()) {
            return CI_SEED;
        }
        return configured.equals("random") ? new SplittableRandom().nextLong() : Long.parseLong(configured);
    }

    private static int iterations(int base) {
        return Math.max(base, Integer.getInteger("portless.fuzz.iterations", 0));
    }

    /** The fields of one certificate before it is signed; valid for {@link #LOGIN} at {@link #NOW} as made. */
    private static final class CertificateFields {
        PublicKey certified;
        KeyPair signer;
        String algorithm;
        boolean host;
        byte[] nonce;
        long serial = 42;
        List<String> principals = List.of(LOGIN, "ops");
        long validAfter = NOW - 3600;
        long validBefore = NOW + 3600;
        List<OpenSshCertificate.CertificateOption> criticalOptions = List.of();
        List<OpenSshCertificate.CertificateOption> extensions =
                List.of(new OpenSshCertificate.CertificateOption("permit-port-forwarding"));

        CertificateFields(PublicKey certified, KeyPair signer) {
            this.certified = certified;
            this.signer = signer;
        }

        OpenSshCertificate sign(String signatureAlgorithm) throws Exception {
            algorithm = signatureAlgorithm;
            return sign();
        }

        OpenSshCertificate sign() throws Exception {
            final OpenSshCertificateBuilder builder =
                    host ? OpenSshCertificateBuilder.hostCertificate() : OpenSshCertificateBuilder.userCertificate();
            builder.publicKey(certified)
                    .serial(serial)
                    .id("alice@example.com")
                    .principals(principals)
                    .validAfter(validAfter)
                    .validBefore(validBefore)
                    .criticalOptions(criticalOptions)
                    .extensions(extensions);
            if (nonce != null) {
                builder.nonce(nonce);
            }
            return algorithm == null ? builder.sign(signer) : builder.sign(signer, algorithm);
        }
    }
}
