package dev.portless.bench.memory;

import java.net.InetSocketAddress;
import java.util.List;
import picocli.CommandLine.Option;

/** The forwards to the echo service a command spreads its streams over, in turn. */
public final class EchoForwardOptions {
    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "address to connect to (default: ${DEFAULT-VALUE})")
    String host;

    @Option(
            names = "--ports",
            required = true,
            split = ",",
            paramLabel = "PORT",
            description = "ports of the forwards to the echo service; streams are spread over them in turn")
    List<Integer> ports;

    /** Returns the address of every forward, in the order given. */
    public List<InetSocketAddress> addresses() {
        for (int port : ports) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("--ports: " + port + " (expected: 1..65535)");
            }
        }
        return ports.stream().map(p -> new InetSocketAddress(host, p)).toList();
    }
}
