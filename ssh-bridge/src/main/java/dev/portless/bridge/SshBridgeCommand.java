package dev.portless.bridge;

import dev.portless.bridge.config.BridgeConfig;
import dev.portless.common.admin.AdminAddress;
import dev.portless.common.admin.AdminListener;
import dev.portless.common.admin.LifecycleReadiness;
import dev.portless.common.admin.ProgramRegistry;
import dev.portless.common.config.ConfigException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Returns the {@code ssh-bridge} command: runs the SSH bastion until SIGTERM or SIGINT. */
@Command(
        name = "ssh-bridge",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Portless SSH bridge: a bastion that accepts only short-lived OpenSSH user certificates "
                + "and forwards (ssh -J) to the destinations its policy allows.")
public final class SshBridgeCommand implements Callable<Integer> {

    private static final Logger logger = LoggerFactory.getLogger(SshBridgeCommand.class);

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "bridge.yml")
    Path config;

    @Option(
            names = "--admin",
            paramLabel = "HOST:PORT",
            description = "serve /healthz, /ready and /metrics over HTTP here (off by default; loopback only"
                    + " unless --admin-allow-remote)")
    String admin;

    @Option(names = "--admin-allow-remote", description = "allow --admin on a non-loopback address")
    boolean adminAllowRemote;

    /** Returns a command line whose start-up errors print as one sentence and exit with 2. */
    public static CommandLine commandLine() {
        final CommandLine cl = new CommandLine(new SshBridgeCommand());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof ConfigException
                    || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException
                    || e instanceof UncheckedIOException) {
                line.getErr().println("ssh-bridge: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cl;
    }

    @Override
    public Integer call() throws InterruptedException {
        final BridgeConfig bridgeConfig = BridgeConfig.load(config);
        final Optional<InetSocketAddress> adminAddress =
                Optional.ofNullable(admin).map(a -> AdminAddress.parse("--admin", a, adminAllowRemote));
        final Optional<PrometheusRegistry> metrics = adminAddress.map(a -> ProgramRegistry.withJvmMetrics());
        final LifecycleReadiness lifecycle = new LifecycleReadiness();
        final Optional<AdminListener> adminListener =
                adminAddress.map(a -> AdminListener.start(a, metrics.orElseThrow(), lifecycle));
        final BridgeServer bridge = BridgeServer.start(bridgeConfig, metrics);
        lifecycle.started();
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            logger.info("stopping: closing sessions");
                            lifecycle.draining();
                            bridge.close();
                            adminListener.ifPresent(AdminListener::close);
                            stopped.countDown();
                        },
                        "ssh-bridge-shutdown"));
        logger.info(
                "listening on {}:{} (host key {}, {} trusted CA key(s), audit log {})",
                bridgeConfig.listen().host(),
                bridge.port(),
                bridge.hostKeyFingerprint(),
                bridgeConfig.trustedCaKeys().all().size(),
                bridgeConfig.auditLog());
        stopped.await();
        return 0;
    }
}
