package dev.portless.bench.probe;

import java.net.InetSocketAddress;
import picocli.CommandLine.Option;

/** The address a probe connects to: the port of one path (direct, ssh -L or Portless). */
final class TargetOptions {
    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "address to connect to (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", required = true, description = "port of the echo service on the path under test")
    int port;

    InetSocketAddress address() {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--port: " + port + " (expected: 1..65535)");
        }
        return new InetSocketAddress(host, port);
    }
}
