package dev.portless.it.peers;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A real OpenSSH server on 127.0.0.1 with throw-away host and client keys, for proving that an
 * unmodified {@code ssh}/{@code scp} works through Portless. Logs in as the user running the tests
 * (root on CI) with the generated client key only.
 */
public final class Sshd implements AutoCloseable {

    private static final String SSHD = "/usr/sbin/sshd";
    private static final String SSH_KEYGEN = "/usr/bin/ssh-keygen";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Path dir;
    private final int port;
    private final String hostPublicKey;
    private final Set<String> trustedNames = new LinkedHashSet<>();
    private final Process process;

    private Sshd(Path dir, int port, String hostPublicKey, Process process) {
        this.dir = dir;
        this.port = port;
        this.hostPublicKey = hostPublicKey;
        this.process = process;
    }

    /**
     * Returns a started sshd whose known_hosts file vouches for {@code [127.0.0.1]:port} and for each
     * of {@code hostAliases}. Skips the test (fails it on CI) if OpenSSH is not installed.
     */
    public static Sshd start(String... hostAliases) {
        return start(List.of(), hostAliases);
    }

    /**
     * Returns a started sshd with {@code extraConfig} lines placed before the defaults (sshd keeps the
     * first value it reads, so these win), e.g. {@code "TrustedUserCAKeys /path"}.
     */
    public static Sshd start(List<String> extraConfig, String... hostAliases) {
        Peers.require("sshd (Debian package openssh-server)", Peers.executable(SSHD));
        Peers.require(
                "ssh and ssh-keygen (Debian package openssh-client)",
                Peers.executable(SSH_KEYGEN) && Peers.executable("/usr/bin/ssh"));
        Path dir = TempDirs.create("portless-sshd");
        try {
            return start(dir, extraConfig, hostAliases);
        } catch (RuntimeException | Error e) {
            TempDirs.delete(dir);
            throw e;
        }
    }

    private static Sshd start(Path dir, List<String> extraConfig, String... hostAliases) {
        int port = FreePorts.next();
        generateKey(dir.resolve("host_ed25519"));
        generateKey(dir.resolve("client_ed25519"));
        try {
            Files.copy(dir.resolve("client_ed25519.pub"), dir.resolve("authorized_keys"));
            Files.writeString(dir.resolve("sshd_config"), String.join("\n", extraConfig) + "\n" + config(dir, port));
            // sshd refuses to start without its privilege-separation directory; Debian creates it only
            // when the ssh service runs, which it does not in a container.
            Files.createDirectories(Path.of("/run/sshd"));
            Process process = new ProcessBuilder(
                            SSHD,
                            "-D",
                            "-f",
                            dir.resolve("sshd_config").toString(),
                            "-E",
                            dir.resolve("sshd.log").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("sshd.out").toFile())
                    .start();
            Sshd sshd = new Sshd(
                    dir, port, Files.readString(dir.resolve("host_ed25519.pub")).trim(), process);
            sshd.trust("[127.0.0.1]:" + port);
            for (String alias : hostAliases) {
                sshd.trustAlias(alias);
            }
            sshd.awaitListening();
            return sshd;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start sshd in " + dir, e);
        }
    }

    private static String config(Path dir, int port) {
        return String.join(
                "\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + dir.resolve("host_ed25519"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PidFile " + dir.resolve("sshd.pid"),
                // The keys live under /tmp, which StrictModes would reject as group/world-accessible.
                "StrictModes no",
                "UsePAM no",
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                // scp speaks SFTP since OpenSSH 9.0.
                "Subsystem sftp internal-sftp",
                // bash sources ~/.bashrc when sshd starts it at shell level 1. The login user's rc file is no
                // part of what is tested, and one that runs `pyenv rehash` queues parallel logins on its lock.
                "SetEnv SHLVL=1",
                // The default (10:30:100) drops some connections once ten wait for authentication: tests
                // that start many ssh at once would fail at random.
                "MaxStartups 100",
                "LogLevel VERBOSE",
                "");
    }

    private static void generateKey(Path file) {
        Commands.run(
                        List.of(
                                SSH_KEYGEN,
                                "-q",
                                "-t",
                                "ed25519",
                                "-N",
                                "",
                                "-C",
                                "portless-test",
                                "-f",
                                file.toString()),
                        Duration.ofSeconds(10))
                .assertSuccess();
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("sshd did not listen on 127.0.0.1:" + port + " within " + START_TIMEOUT
                            + " (alive: " + process.isAlive() + ")\n--- sshd log ---\n" + log());
                }
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while starting sshd", e);
            }
        }
    }

    /** Returns the port sshd listens on at 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Returns the private key sshd accepts, for {@code ssh -i}. */
    public Path clientKey() {
        return dir.resolve("client_ed25519");
    }

    /** Returns the user ssh logs in as: the one running the tests. */
    public String user() {
        return System.getProperty("user.name");
    }

    /** Returns a known_hosts file that vouches for this server's host key under every name trusted so far. */
    public Path knownHostsFile() {
        return dir.resolve("known_hosts");
    }

    /** Returns sshd's own log (LogLevel VERBOSE), to show in a failure or to assert on. */
    public String log() {
        return Commands.read(dir.resolve("sshd.log")) + Commands.read(dir.resolve("sshd.out"));
    }

    /**
     * Adds {@code alias} to the known_hosts file, both bare (how ssh looks up a HostKeyAlias) and with
     * this server's port.
     */
    public synchronized void trustAlias(String alias) {
        requireNonNull(alias, "alias");
        trust(alias);
        trust("[" + alias + "]:" + port);
    }

    private synchronized void trust(String name) {
        if (!trustedNames.add(name)) {
            return;
        }
        try {
            Files.writeString(
                    knownHostsFile(),
                    name + " " + hostPublicKey + "\n",
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + knownHostsFile(), e);
        }
    }

    /**
     * Returns an {@code ssh} command line up to and including the destination; append the remote command.
     * With a {@code proxyCommand} ssh connects through it to {@code hostAlias} (it sees {@code %h} =
     * the alias and {@code %p} = this port); without one, ssh connects to 127.0.0.1 directly.
     *
     * @param proxyCommand an OpenSSH ProxyCommand, or {@code null} for a direct connection
     * @param hostAlias the name the host key is checked under, or {@code null} for {@code [127.0.0.1]:port}
     */
    public List<String> sshArgs(String proxyCommand, String hostAlias) {
        List<String> args = new ArrayList<>();
        args.add("ssh");
        args.addAll(commonOptions(proxyCommand, hostAlias));
        args.add("-p");
        args.add(Integer.toString(port));
        args.add(destination(hostAlias));
        return args;
    }

    /**
     * Returns an {@code ssh} command line that connects directly and authenticates with
     * {@code identity} (and {@code identity-cert.pub} beside it, which ssh loads by itself), ending
     * with {@code remoteCommand}.
     */
    public List<String> sshArgsWithIdentity(Path identity, String remoteCommand) {
        List<String> args = sshArgs(null, null);
        int key = args.indexOf(clientKey().toString());
        args.set(key, requireNonNull(identity, "identity").toString());
        args.add(requireNonNull(remoteCommand, "remoteCommand"));
        return args;
    }

    /**
     * Returns an {@code scp} command line without sources and target; append them, naming the remote
     * side with {@link #scpRemote(String, String)}.
     */
    public List<String> scpArgs(String proxyCommand, String hostAlias) {
        List<String> args = new ArrayList<>();
        args.add("scp");
        args.addAll(commonOptions(proxyCommand, hostAlias));
        args.add("-P");
        args.add(Integer.toString(port));
        return args;
    }

    /** Returns {@code user@host:path} for {@link #scpArgs}, with the same host choice as {@link #sshArgs}. */
    public String scpRemote(String hostAlias, String path) {
        return destination(hostAlias) + ":" + requireNonNull(path, "path");
    }

    private List<String> commonOptions(String proxyCommand, String hostAlias) {
        List<String> options = new ArrayList<>(List.of(
                // No user or system config may change what is tested.
                "-F", "/dev/null",
                "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + knownHostsFile(),
                "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "UpdateHostKeys=no",
                "-o", "IdentitiesOnly=yes",
                "-o", "ConnectTimeout=10",
                "-i", clientKey().toString()));
        if (hostAlias != null) {
            trustAlias(hostAlias);
            options.add("-o");
            options.add("HostKeyAlias=" + hostAlias);
        }
        if (proxyCommand != null) {
            options.add("-o");
            options.add("ProxyCommand=" + proxyCommand);
        } else if (hostAlias != null) {
            // The destination is the alias; a direct connection still has to reach 127.0.0.1.
            options.add("-o");
            options.add("HostName=127.0.0.1");
        }
        return options;
    }

    private String destination(String hostAlias) {
        return user() + "@" + (hostAlias != null ? hostAlias : "127.0.0.1");
    }

    /** Stops sshd and any session it forked, and deletes its keys and logs. */
    @Override
    public void close() {
        ProcessTermination.terminate(process);
        TempDirs.delete(dir);
    }
}
