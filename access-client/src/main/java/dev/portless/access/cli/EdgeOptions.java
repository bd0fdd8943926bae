package dev.portless.access.cli;

import dev.portless.access.edge.Credentials;
import dev.portless.access.edge.EdgeDialer;
import dev.portless.access.edge.EdgeEndpoint;
import dev.portless.common.net.Transport;
import dev.portless.common.tls.TlsContexts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Returns the options every command that reaches an app shares: where the edge is, which CA to
 * trust for it, and the credentials. Secrets come from the environment or a file, never argv.
 */
final class EdgeOptions {
    static final String EDGE_ENV = "PORTLESS_EDGE";
    static final String EDGE_CA_ENV = "PORTLESS_EDGE_CA";
    static final String TOKEN_ID_ENV = "PORTLESS_SERVICE_TOKEN_ID";
    static final String TOKEN_SECRET_ENV = "PORTLESS_SERVICE_TOKEN_SECRET";
    static final String TOKEN_SECRET_FILE_ENV = "PORTLESS_SERVICE_TOKEN_SECRET_FILE";
    /** cloudflared's names, so existing scripts keep working. */
    static final String CF_TOKEN_ID_ENV = "TUNNEL_SERVICE_TOKEN_ID";
    static final String CF_TOKEN_SECRET_ENV = "TUNNEL_SERVICE_TOKEN_SECRET";

    @Option(names = "--edge", paramLabel = "URL",
            description = "the edge, https://host[:port] (env PORTLESS_EDGE; default: https://HOSTNAME)")
    String edge;

    @Option(names = "--edge-ca", paramLabel = "FILE",
            description = "PEM CA to trust for the edge's certificate (env PORTLESS_EDGE_CA; default: system trust)")
    Path edgeCa;

    @Option(names = {"--service-token-id", "--id"}, paramLabel = "ID",
            description = "service token client id (env PORTLESS_SERVICE_TOKEN_ID)")
    String serviceTokenId;

    @Option(names = "--service-token-secret-file", paramLabel = "FILE",
            description = "file holding the service token secret (env PORTLESS_SERVICE_TOKEN_SECRET_FILE,"
                    + " or the secret itself in PORTLESS_SERVICE_TOKEN_SECRET)")
    Path serviceTokenSecretFile;

    @Option(names = {"--service-token-secret", "--secret"}, paramLabel = "SECRET", hidden = true)
    String secretInArgv;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "how long to wait for the edge to accept a connection (default: ${DEFAULT-VALUE})")
    int connectTimeoutSeconds;

    EdgeDialer dialer(String hostname, Transport transport) {
        return dialer(hostname, transport, System.getenv());
    }

    EdgeDialer dialer(String hostname, Transport transport, Map<String, String> env) {
        if (secretInArgv != null) {
            throw new IllegalArgumentException("--service-token-secret would show the secret in the process list;"
                    + " set PORTLESS_SERVICE_TOKEN_SECRET or use --service-token-secret-file instead");
        }
        if (connectTimeoutSeconds < 1 || connectTimeoutSeconds > 300) {
            throw new IllegalArgumentException("--connect-timeout: " + connectTimeoutSeconds + " (expected: 1..300)");
        }
        String edgeText = edge != null ? edge : env.getOrDefault(EDGE_ENV, "https://" + hostname);
        EdgeEndpoint endpoint = EdgeEndpoint.parse(edgeText);
        Optional<Path> ca = Optional.ofNullable(edgeCa != null ? edgeCa
                : env.containsKey(EDGE_CA_ENV) ? Path.of(env.get(EDGE_CA_ENV)) : null);
        return new EdgeDialer(endpoint, TlsContexts.client(ca, "http/1.1"), transport, credentials(env),
                Duration.ofSeconds(connectTimeoutSeconds), Duration.ofSeconds(90));
    }

    private Credentials credentials(Map<String, String> env) {
        String id = serviceTokenId != null ? serviceTokenId : firstOf(env, TOKEN_ID_ENV, CF_TOKEN_ID_ENV);
        if (id == null) {
            throw new IllegalArgumentException("no credentials: pass --service-token-id (or set "
                    + TOKEN_ID_ENV + ") with its secret in " + TOKEN_SECRET_ENV + " or --service-token-secret-file");
        }
        return new Credentials(id, secret(env));
    }

    private String secret(Map<String, String> env) {
        Path file = serviceTokenSecretFile != null ? serviceTokenSecretFile
                : env.containsKey(TOKEN_SECRET_FILE_ENV) ? Path.of(env.get(TOKEN_SECRET_FILE_ENV)) : null;
        if (file != null) {
            try {
                String s = Files.readString(file).trim();
                if (s.isEmpty()) {
                    throw new IllegalArgumentException("the service token secret file " + file + " is empty");
                }
                return s;
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the service token secret file " + file + ": "
                        + e.getMessage());
            }
        }
        String s = firstOf(env, TOKEN_SECRET_ENV, CF_TOKEN_SECRET_ENV);
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("the service token has no secret: set " + TOKEN_SECRET_ENV
                    + " or pass --service-token-secret-file");
        }
        return s.trim();
    }

    private static String firstOf(Map<String, String> env, String a, String b) {
        String v = env.get(a);
        return v != null ? v : env.get(b);
    }
}
