package dev.portless.it.harness;

import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A whole Portless deployment on loopback, each program a real process: {@code connector
 * edge} with a private CA's certificate, {@code connector run} dialing it with tunnel credentials,
 * a service token, and the apps and ingress rules a test asks for.
 */
public final class PortlessStack implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern REGISTERED = Pattern.compile("registered tunnel tests");
    /** The service token's name in edge.yml. */
    public static final String TOKEN_NAME = "tests";
    /** The second service token's name in edge.yml, when the builder asked for it. */
    public static final String OTHER_TOKEN_NAME = "others";

    private final Path dir;
    private final int edgePort;
    private final int tunnelPort;
    private final PortlessStackFiles.ServiceTokens tokens;
    private final List<String> edgeFlags;
    private final List<String> connectorFlags;
    private JavaProcess edge;
    private JavaProcess connector;
    private final List<JavaProcess> accessProcesses = new ArrayList<>();

    private PortlessStack(Builder b) throws IOException {
        this.dir = Files.createTempDirectory("portless-stack");
        this.edgePort = FreePorts.next();
        this.tunnelPort = FreePorts.next();
        this.edgeFlags = List.copyOf(b.edgeFlags);
        this.connectorFlags = List.copyOf(b.connectorFlags);
        try {
            this.tokens = PortlessStackFiles.write(dir, edgePort, tunnelPort, edgeUrl(), b);
        } catch (IOException | RuntimeException e) {
            TempDirs.delete(dir);
            throw e;
        }
    }

    /** Returns a builder of a stack. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the edge and the connector and waits until the connector has registered; when either does not come
     * up, stops what started and deletes the stack's files before throwing.
     */
    public PortlessStack start() {
        Teardown.startOrStop(this, () -> {
            startEdge();
            connector = Teardown.awaitLine(
                    JavaProcess.startServer(
                            "dev.portless.connector.ConnectorMain",
                            command("run", "--config", connectorConfig().toString(), connectorFlags),
                            Map.of()),
                    REGISTERED,
                    START_TIMEOUT);
        });
        return this;
    }

    /**
     * Starts {@code connector serve} with this stack's two files and the edge's flags instead of two
     * processes; {@link #edge()} is then the one process and {@link #connector()} is null. When it does not
     * come up, it is stopped and the stack's files deleted before this throws.
     */
    public PortlessStack startServe() {
        List<String> command = new ArrayList<>(List.of(
                "serve",
                "--edge-config",
                edgeConfig().toString(),
                "--config",
                connectorConfig().toString()));
        command.addAll(edgeFlags);
        Teardown.startOrStop(
                this,
                () -> edge = Teardown.awaitLine(
                        JavaProcess.startServer("dev.portless.connector.ConnectorMain", command, Map.of()),
                        REGISTERED,
                        START_TIMEOUT));
        return this;
    }

    private static List<String> command(String role, String option, String file, List<String> flags) {
        List<String> command = new ArrayList<>(List.of(role, option, file));
        command.addAll(flags);
        return command;
    }

    /** Starts (or starts again) the edge process and waits until it listens; stops it when it does not. */
    public void startEdge() {
        edge = Teardown.awaitLine(
                JavaProcess.startServer(
                        "dev.portless.connector.ConnectorMain",
                        command("edge", "--config", edgeConfig().toString(), edgeFlags),
                        Map.of()),
                Pattern.compile("Edge listening"),
                START_TIMEOUT);
    }

    /** Returns the environment the access CLI needs to reach this edge with the service token. */
    public Map<String, String> accessEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PORTLESS_EDGE", edgeUrl());
        env.put("PORTLESS_EDGE_CA", caFile().toString());
        env.put("PORTLESS_SERVICE_TOKEN_ID", tokens.clientId());
        env.put("PORTLESS_SERVICE_TOKEN_SECRET_FILE", secretFile().toString());
        return env;
    }

    /**
     * Returns a started {@code access tcp} for {@code hostname} on a free loopback port, once it
     * listens; closed with the stack.
     */
    public AccessTcp accessTcp(String hostname) {
        return accessTcp(hostname, Map.of());
    }

    /** Returns a started {@code access tcp} like {@link #accessTcp(String)}, with {@code extraEnv} added. */
    public AccessTcp accessTcp(String hostname, Map<String, String> extraEnv) {
        return accessTcp(hostname, extraEnv, false);
    }

    /**
     * Returns a started {@code access tcp} like {@link #accessTcp(String, Map)}, run with the whole tiered JIT as
     * scripts/access runs it, for tests that measure throughput; the others save the CPU its C2 compiler would take
     * from the tests running beside them.
     */
    public AccessTcp throughputAccessTcp(String hostname, Map<String, String> extraEnv) {
        return accessTcp(hostname, extraEnv, true);
    }

    private AccessTcp accessTcp(String hostname, Map<String, String> extraEnv, boolean wholeJit) {
        int port = FreePorts.next();
        Map<String, String> env = accessEnv();
        env.putAll(extraEnv);
        List<String> args = List.of("tcp", "--hostname", hostname, "--url", "127.0.0.1:" + port);
        JavaProcess p = wholeJit
                ? JavaProcess.startForwarder("dev.portless.access.AccessMain", args, env)
                : JavaProcess.start("dev.portless.access.AccessMain", args, env);
        accessProcesses.add(Teardown.awaitLine(p, Pattern.compile("access: listening on"), START_TIMEOUT));
        return new AccessTcp(p, port);
    }

    /** Returns the path of an executable {@code access} launcher, for ssh's ProxyCommand. */
    public Path accessLauncher() {
        Path script = dir.resolve("access");
        if (!Files.exists(script)) {
            JavaProcess.writeLauncher(dir, "access", "dev.portless.access.AccessMain");
        }
        return script;
    }

    /** Returns the ProxyCommand that reaches {@code %h} through this stack (env from {@link #accessEnv}). */
    public String proxyCommand() {
        StringBuilder c = new StringBuilder("env");
        accessEnv().forEach((k, v) -> c.append(' ').append(k).append('=').append(v));
        return c.append(' ')
                .append(accessLauncher())
                .append(" ssh --hostname %h")
                .toString();
    }

    /** Returns the edge's URL. */
    public String edgeUrl() {
        return "https://127.0.0.1:" + edgePort;
    }

    /**
     * Returns the curl arguments that reach {@code hostname} on this edge as a web app: its name resolved
     * to loopback and the edge's CA trusted ({@code https://<hostname>:<edgePort()>/...}).
     */
    public List<String> curlReaching(String hostname) {
        return List.of("--resolve", hostname + ":" + edgePort + ":127.0.0.1", "--cacert", caFile().toString());
    }

    /** Returns {@code https://<hostname>:<edge port><path>}, a web app's URL on this edge. */
    public String appUrl(String hostname, String path) {
        return "https://" + hostname + ":" + edgePort + path;
    }

    /**
     * Returns a curl header file (mode 0600) with the service token's headers, for {@code curl -H @FILE}:
     * the secret stays out of argv.
     */
    public Path serviceTokenHeaderFile() {
        Path file = dir.resolve("service-token-headers");
        try {
            if (!Files.exists(file)) {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(
                        file,
                        "Cf-Access-Client-Id: " + tokens.clientId() + "\nCf-Access-Client-Secret: "
                                + Files.readString(secretFile()).trim() + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Returns the edge's client port. */
    public int edgePort() {
        return edgePort;
    }

    /** Returns the CA file that signed the edge's certificate. */
    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    /** Returns the service token's client id. */
    public String clientId() {
        return tokens.clientId();
    }

    /** Returns the file with the service token's secret. */
    public Path secretFile() {
        return dir.resolve(PortlessStackFiles.SECRET_FILE);
    }

    /** Returns edge.yml. */
    public Path edgeConfig() {
        return dir.resolve(PortlessStackFiles.EDGE_CONFIG);
    }

    /** Returns connector.yml. */
    public Path connectorConfig() {
        return dir.resolve(PortlessStackFiles.CONNECTOR_CONFIG);
    }

    /** Returns the stack's scratch directory. */
    public Path dir() {
        return dir;
    }

    /**
     * Returns the headers that present the stack's service token ({@code other}: the second one, which the
     * builder must have asked for) on a hand-made request.
     */
    public Map<String, String> serviceTokenHeaders(boolean other) {
        if (other && tokens.otherClientId() == null) {
            throw new IllegalStateException("this stack has no second service token; ask the builder for one");
        }
        try {
            return Map.of(
                    "Cf-Access-Client-Id",
                    other ? tokens.otherClientId() : tokens.clientId(),
                    "Cf-Access-Client-Secret",
                    other
                            ? tokens.otherSecret()
                            : Files.readString(secretFile()).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the edge process. */
    public JavaProcess edge() {
        return edge;
    }

    /** Returns the connector process. */
    public JavaProcess connector() {
        return connector;
    }

    /** Stops every process the stack started and deletes its files; closing it again does nothing more. */
    @Override
    public void close() {
        Teardown teardown = new Teardown();
        accessProcesses.forEach(teardown::close);
        accessProcesses.clear();
        teardown.close(connector);
        connector = null;
        teardown.close(edge);
        edge = null;
        teardown.close(() -> TempDirs.delete(dir));
        teardown.finish();
    }

    /**
     * A running {@code access tcp}.
     *
     * @param process the CLI process
     * @param port    the local port it listens on
     */
    public record AccessTcp(JavaProcess process, int port) {}

    /** A builder: add apps, then {@link #build()} and {@link PortlessStack#start()}. */
    public static final class Builder {
        final Map<String, String> apps = new LinkedHashMap<>();
        final Set<String> appsClosedToTheToken = new HashSet<>();
        final List<String> extraIngress = new ArrayList<>();
        final Map<String, String> connectorSettings = new LinkedHashMap<>();
        final Map<String, List<String>> appSettings = new LinkedHashMap<>();
        final List<String> edgeFlags = new ArrayList<>();
        final List<String> connectorFlags = new ArrayList<>();
        boolean otherServiceToken;

        /** Adds a second service token ({@link #OTHER_TOKEN_NAME}), let into every app the first one may reach. */
        public Builder otherServiceToken() {
            otherServiceToken = true;
            return this;
        }

        /** Adds a key to an app's entry in edge.yml, e.g. ("db.portless.test", "idle-timeout", "2s"). */
        public Builder appSetting(String hostname, String key, String value) {
            appSettings.computeIfAbsent(hostname, h -> new ArrayList<>()).add(key + ": " + value);
            return this;
        }

        /** Adds command-line flags to {@code connector edge}, e.g. ("--admin", "127.0.0.1:9464"). */
        public Builder edgeFlags(String... flags) {
            edgeFlags.addAll(List.of(flags));
            return this;
        }

        /** Adds command-line flags to {@code connector run}. */
        public Builder connectorFlags(String... flags) {
            connectorFlags.addAll(List.of(flags));
            return this;
        }

        /** Adds an app at the edge and an ingress rule {@code hostname → service} at the connector. */
        public Builder app(String hostname, String service) {
            apps.put(hostname, service);
            return this;
        }

        /**
         * Adds an app like {@link #app(String, String)} whose policy does not let the stack's service
         * token in: the edge answers 403 to it.
         */
        public Builder appClosedToTheToken(String hostname, String service) {
            apps.put(hostname, service);
            appsClosedToTheToken.add(hostname);
            return this;
        }

        /** Adds an app at the edge that no ingress rule names (the connector's catch-all answers). */
        public Builder appWithoutIngress(String hostname) {
            apps.put(hostname, null);
            return this;
        }

        /** Adds raw YAML lines to the ingress list, before the catch-all (indent 2, e.g. "  - hostname: …"). */
        public Builder ingressYaml(String lines) {
            extraIngress.add(lines);
            return this;
        }

        /** Adds a top-level connector.yml setting, e.g. ("ha-connections", "1"). */
        public Builder connectorSetting(String key, String value) {
            connectorSettings.put(key, value);
            return this;
        }

        /** Returns the stack with its files written, not started. */
        public PortlessStack build() {
            try {
                return new PortlessStack(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
