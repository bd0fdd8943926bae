package dev.portless.common.admin;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The metrics registry of one program: its own, not the client library's global one, so that
 * programs started side by side in one JVM (tests, {@code connector serve}) never clash.
 */
public final class ProgramRegistry {
    private ProgramRegistry() {}

    /** Returns a registry holding the JVM's metrics (memory, GC, threads, classes, CPU). */
    public static PrometheusRegistry withJvmMetrics() {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        return registry;
    }
}
