package dev.portless.bridge.transport;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.OptionalFeature;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.compression.BuiltinCompressions;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;

/**
 * The only algorithms the bridge negotiates, strongest first: no SHA-1 anywhere, no DSA, no CBC,
 * no encrypt-and-MAC. Strict key exchange ({@code kex-strict-s-v00@openssh.com}, the Terrapin
 * countermeasure) is not listed here because MINA 2.12+ always offers it and enforces it when the client
 * offers it too (OpenSSH 9.6+, and Debian's patched 9.2).
 */
public final class ModernAlgorithms {

    /**
     * Key exchange: the post-quantum hybrids first, so traffic recorded today cannot be decrypted by a quantum
     * computer later (OpenSSH 10 warns about servers without one): ML-KEM-768 with X25519 (OpenSSH 9.9+; MINA
     * needs Bouncy Castle 1.84 or later for it), then Streamlined NTRU Prime with X25519 (OpenSSH 9.0+, so
     * Debian 12's 9.2 gets a hybrid too), then X25519 and NIST ECDH for older clients. The NTRU Prime hybrid
     * costs the bridge about 250 ms of CPU per handshake with Bouncy Castle; that is the price of post-quantum
     * protection for clients without ML-KEM.
     */
    static final List<BuiltinDHFactories> KEY_EXCHANGES = List.of(
            BuiltinDHFactories.mlkem768x25519,
            BuiltinDHFactories.sntrup761x25519,
            BuiltinDHFactories.sntrup761x25519_openssh,
            BuiltinDHFactories.curve25519,
            BuiltinDHFactories.curve25519_libssh,
            BuiltinDHFactories.ecdhp521,
            BuiltinDHFactories.ecdhp384,
            BuiltinDHFactories.ecdhp256);

    /** Ciphers: AEAD first; CTR only with an encrypt-then-MAC. */
    static final List<BuiltinCiphers> CIPHERS = List.of(
            BuiltinCiphers.cc20p1305_openssh,
            BuiltinCiphers.aes256gcm,
            BuiltinCiphers.aes128gcm,
            BuiltinCiphers.aes256ctr,
            BuiltinCiphers.aes192ctr,
            BuiltinCiphers.aes128ctr);

    /** MACs, used with the CTR ciphers only: encrypt-then-MAC with SHA-2. */
    static final List<BuiltinMacs> MACS = List.of(BuiltinMacs.hmacsha512etm, BuiltinMacs.hmacsha256etm);

    /** Host key and user signature algorithms, including the certificate forms; no ssh-rsa (SHA-1), no DSA. */
    static final List<BuiltinSignatures> SIGNATURES = List.of(
            BuiltinSignatures.ed25519_cert,
            BuiltinSignatures.nistp521_cert,
            BuiltinSignatures.nistp384_cert,
            BuiltinSignatures.nistp256_cert,
            BuiltinSignatures.rsaSHA512_cert,
            BuiltinSignatures.rsaSHA256_cert,
            BuiltinSignatures.ed25519,
            BuiltinSignatures.nistp521,
            BuiltinSignatures.nistp384,
            BuiltinSignatures.nistp256,
            BuiltinSignatures.rsaSHA512,
            BuiltinSignatures.rsaSHA256);

    private ModernAlgorithms() {}

    /** Restricts {@code server} to these algorithms; those this JVM cannot do (no BouncyCastle) are left out. */
    public static void apply(SshServer server) {
        requireNonNull(server, "server");
        server.setKeyExchangeFactories(
                NamedFactory.setUpTransformedFactories(false, KEY_EXCHANGES, ServerBuilder.DH2KEX));
        server.setCipherFactories(new ArrayList<>(supported(CIPHERS)));
        server.setMacFactories(new ArrayList<>(supported(MACS)));
        server.setSignatureFactories(new ArrayList<>(supported(SIGNATURES)));
        // Compression buys nothing for SSH-in-SSH traffic and has a history of pre-auth bugs.
        server.setCompressionFactories(new ArrayList<>(List.of(BuiltinCompressions.none)));
    }

    private static <T extends OptionalFeature> List<T> supported(List<T> algorithms) {
        return algorithms.stream().filter(OptionalFeature::isSupported).collect(Collectors.toList());
    }
}
