package dev.portless.it.bridge;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.portless.bridge.SshBridgeMain;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.Peers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * The {@code ssh-bridge} program as a child JVM, the way an operator runs it, with a throw-away CA made by
 * {@code ssh-keygen} standing in for the edge's SSH CA. Gives tests the pieces an OpenSSH client needs:
 * keys and certificates, a known_hosts line for the bridge's host key, and an ssh_config for the jump.
 */
public final class SshBridgeProcess implements AutoCloseable {

    static final String SSH_KEYGEN = "/usr/bin/ssh-keygen";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration KEYGEN_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) ");

    private final Path dir;
    private final JavaProcess process;
    private final int port;
    private final Path knownHosts;

    private SshBridgeProcess(Path dir, JavaProcess process, int port, Path knownHosts) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.knownHosts = knownHosts;
    }

    /**
     * Returns a started bridge in {@code dir} trusting the CA {@link #ca(Path)} creates there, with
     * {@code extraYaml} (the policy, {@code shell: ...}) appended to its bridge.yml.
     */
    static SshBridgeProcess start(Path dir, String extraYaml) {
        return start(dir, extraYaml, List.of());
    }

    /** Returns a started bridge as {@link #start(Path, String)} does, with {@code flags} on its command line. */
    public static SshBridgeProcess start(Path dir, String extraYaml, List<String> flags) {
        requireOpenSshClient();
        ca(dir);
        return start(dir, 0, "ca.pub", extraYaml, flags);
    }

    /**
     * Returns a started bridge in {@code dir} listening on 127.0.0.1:{@code port} and trusting only the CA
     * public key in {@code trustedCa} (the edge's {@code /ssh/ca.pub}), with {@code extraYaml} appended to its
     * bridge.yml. A port chosen up front lets a connector's ingress name the bridge before the edge's CA, and
     * so the bridge, exists.
     */
    static SshBridgeProcess startTrusting(Path dir, Path trustedCa, int port, String extraYaml) {
        requireNonNull(trustedCa, "trustedCa");
        requireOpenSshClient();
        return start(dir, port, trustedCa.toAbsolutePath().toString(), extraYaml, List.of());
    }

    private static void requireOpenSshClient() {
        Peers.require(
                "ssh and ssh-keygen (Debian package openssh-client)",
                Peers.executable(SSH_KEYGEN) && Peers.executable("/usr/bin/ssh"));
    }

    private static SshBridgeProcess start(
            Path dir, int listenPort, String trustedCa, String extraYaml, List<String> flags) {
        final Path config = dir.resolve("bridge.yml");
        write(
                config,
                String.join(
                        "\n",
                        "listen: 127.0.0.1:" + listenPort,
                        "host-key: bridge_host_ed25519",
                        "trusted-user-ca-keys: [\"" + trustedCa + "\"]",
                        "audit-log: audit.jsonl",
                        extraYaml,
                        ""));
        final List<String> command = new ArrayList<>(List.of("--config", config.toString()));
        command.addAll(flags);
        final JavaProcess process = JavaProcess.startServer(SshBridgeMain.class.getName(), command, Map.of());
        try {
            final int port = Integer.parseInt(
                    process.awaitOutput(LISTENING, START_TIMEOUT).group(1));
            final Path knownHosts = write(
                    dir.resolve("bridge_known_hosts"),
                    "[127.0.0.1]:" + port + " " + read(dir.resolve("bridge_host_ed25519.pub")));
            return new SshBridgeProcess(dir, process, port, knownHosts);
        } catch (RuntimeException | Error e) {
            process.close();
            throw e;
        }
    }

    /** Returns the CA private key in {@code dir}, creating it on first use: the stand-in for the edge's SSH CA. */
    static Path ca(Path dir) {
        final Path ca = dir.resolve("ca");
        if (!Files.exists(ca)) {
            keygen(ca);
        }
        return ca;
    }

    /** Returns a new Ed25519 private key {@code name} in {@code dir}. */
    static Path keygen(Path key) {
        Commands.run(
                        List.of(
                                SSH_KEYGEN,
                                "-q",
                                "-t",
                                "ed25519",
                                "-N",
                                "",
                                "-C",
                                key.getFileName().toString(),
                                "-f",
                                key.toString()),
                        KEYGEN_TIMEOUT)
                .assertSuccess();
        return key;
    }

    /**
     * Returns the certificate file {@code ssh-keygen -s signer OPTIONS} makes for {@code key}'s public key,
     * named {@code name-cert.pub}, so one key can carry several certificates.
     */
    static Path sign(Path signer, Path key, String name, String... options) {
        final Path copy = key.resolveSibling(name + ".pub");
        write(copy, read(key.resolveSibling(key.getFileName() + ".pub")));
        final List<String> command = new ArrayList<>(List.of(SSH_KEYGEN, "-q", "-s", signer.toString()));
        command.addAll(List.of(options));
        command.add(copy.toString());
        Commands.run(command, KEYGEN_TIMEOUT).assertSuccess();
        return key.resolveSibling(name + "-cert.pub");
    }

    /** Returns the port the bridge listens on at 127.0.0.1. */
    public int port() {
        return port;
    }

    /**
     * Returns a known_hosts file vouching for the bridge's host key under {@code hostName}, the name ssh checks
     * it under when the bridge is an app reached through {@code ProxyCommand access ssh --hostname %h}.
     */
    Path knownHostsFor(String hostName) {
        requireNonNull(hostName, "hostName");
        return write(
                dir.resolve(hostName + ".known_hosts"), hostName + " " + read(dir.resolve("bridge_host_ed25519.pub")));
    }

    /** Returns the bridge's host public key, as the known_hosts line names it. */
    PublicKey hostKey() {
        return publicKey(dir.resolve("bridge_host_ed25519.pub"));
    }

    /** Returns the public key or certificate in an OpenSSH {@code .pub} file. */
    static PublicKey publicKey(Path file) {
        try {
            return PublicKeyEntry.parsePublicKeyEntry(read(file).strip())
                    .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the public key in " + file, e);
        }
    }

    /** Returns the bridge's log so far (slf4j-simple writes to stderr). */
    String log() {
        return process.stderr() + process.stdout();
    }

    /** Returns the OS process, for signals. */
    JavaProcess process() {
        return process;
    }

    /**
     * Returns an ssh_config file whose host {@code portless-bridge} is this bridge, logged in to as
     * {@code login} with {@code identity} and {@code certificate} (none when {@code null}). ssh hands only
     * {@code -F} and {@code -v} down to the ssh it runs for {@code -J}, so the jump's settings must live in a
     * config file; everything else in it is pinned so no user or system config changes what is tested.
     */
    Path sshConfig(String name, String login, Path identity, Path certificate) {
        return write(
                dir.resolve(name + ".ssh_config"),
                String.join(
                        "\n",
                        "Host portless-bridge",
                        "  HostName 127.0.0.1",
                        "  Port " + port,
                        "  User " + login,
                        "  IdentityFile " + identity,
                        certificate == null ? "" : "  CertificateFile " + certificate,
                        "  UserKnownHostsFile " + knownHosts,
                        "Host *",
                        "  BatchMode yes",
                        "  IdentitiesOnly yes",
                        "  StrictHostKeyChecking yes",
                        "  GlobalKnownHostsFile /dev/null",
                        "  UpdateHostKeys no",
                        "  ConnectTimeout 10",
                        ""));
    }

    /** Returns every audit record so far, each line parsed on its own as a JSON object. */
    List<Map<String, Object>> audit() {
        final Path file = dir.resolve("audit.jsonl");
        final List<Map<String, Object>> records = new ArrayList<>();
        if (!Files.exists(file)) {
            return records;
        }
        try {
            for (String line : Files.readAllLines(file)) {
                records.add(JSONObjectUtils.parse(line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParseException e) {
            throw new AssertionError("an audit line is not a JSON object: " + e.getMessage(), e);
        }
        return records;
    }

    /** Returns the first audit record after the first {@code skip} that {@code match} accepts, waiting up to 10 s. */
    Map<String, Object> awaitAudit(int skip, Predicate<Map<String, Object>> match) {
        requireNonNull(match, "match");
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            final List<Map<String, Object>> records = audit();
            for (Map<String, Object> record : records.subList(Math.min(skip, records.size()), records.size())) {
                if (match.test(record)) {
                    return record;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "no matching audit record within 10 s; records: " + records + "\n--- bridge log ---\n" + log());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** Returns a predicate matching audit records whose {@code key} equals {@code value}. */
    static Predicate<Map<String, Object>> where(String key, Object value) {
        return record -> value.equals(record.get(key));
    }

    @Override
    public void close() {
        process.close();
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
