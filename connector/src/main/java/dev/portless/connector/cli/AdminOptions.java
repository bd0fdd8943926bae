package dev.portless.connector.cli;

import dev.portless.common.admin.AdminAddress;
import dev.portless.common.admin.AdminListener;
import dev.portless.common.admin.ProgramRegistry;
import dev.portless.common.admin.Readiness;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The admin listener's options, shared by {@code edge}, {@code run} and {@code serve}. */
final class AdminOptions {
    @Option(
            names = "--admin",
            paramLabel = "HOST:PORT",
            description = "serve /healthz, /ready and /metrics over HTTP here (off by default; loopback only"
                    + " unless --admin-allow-remote)")
    String admin;

    @Option(names = "--admin-allow-remote", description = "allow --admin on a non-loopback address")
    boolean allowRemote;

    private InetSocketAddress address;
    private PrometheusRegistry registry;

    /** Checks the address before anything starts; returns the metrics registry when the listener is on. */
    Optional<PrometheusRegistry> registry() {
        if (admin == null) {
            return Optional.empty();
        }
        if (registry == null) {
            address = AdminAddress.parse("--admin", admin, allowRemote);
            registry = ProgramRegistry.withJvmMetrics();
        }
        return Optional.of(registry);
    }

    /** Opens the listener, when asked for, answering readiness from {@code readiness}. */
    Optional<AdminListener> start(Readiness readiness) {
        return registry().map(r -> AdminListener.start(address, r, readiness));
    }
}
