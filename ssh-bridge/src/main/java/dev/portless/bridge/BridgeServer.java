package dev.portless.bridge;

import static java.util.Objects.requireNonNull;

import dev.portless.bridge.audit.AuditLog;
import dev.portless.bridge.audit.SessionAuditListener;
import dev.portless.bridge.auth.CertificateUserAuthFactory;
import dev.portless.bridge.auth.CertificateVerifier;
import dev.portless.bridge.config.BridgeConfig;
import dev.portless.bridge.forward.BridgeForwardingFilter;
import dev.portless.bridge.forward.PolicyDirectTcpipFactory;
import dev.portless.bridge.forward.RefusalMessageConnectionServiceFactory;
import dev.portless.bridge.metrics.BridgeMetrics;
import dev.portless.bridge.shell.SessionChannels;
import dev.portless.bridge.transport.HostCertificate;
import dev.portless.bridge.transport.HostKeyFile;
import dev.portless.bridge.transport.ModernAlgorithms;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.KeyPair;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.global.KeepAliveHandler;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.RejectAllPublickeyAuthenticator;
import org.apache.sshd.server.global.NoMoreSessionsHandler;
import org.apache.sshd.server.session.ServerUserAuthServiceFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running bridge: MINA SSHD on the default NIO2 transport, set up so that only certificate
 * logins work and only policy-approved {@code direct-tcpip} channels open, with an audit record per
 * session and per channel.
 */
public final class BridgeServer implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(BridgeServer.class);

    private final SshServer sshd;
    private final AuditLog audit;
    private final ThreadPoolExecutor decisions;
    private final AtomicBoolean stopping;
    private final String hostKeyFingerprint;

    private BridgeServer(
            SshServer sshd,
            AuditLog audit,
            ThreadPoolExecutor decisions,
            AtomicBoolean stopping,
            String hostKeyFingerprint) {
        this.sshd = sshd;
        this.audit = audit;
        this.decisions = decisions;
        this.stopping = stopping;
        this.hostKeyFingerprint = hostKeyFingerprint;
    }

    /**
     * Returns a bridge listening as {@code config} says.
     *
     * @throws UncheckedIOException when the listener cannot bind or the audit log cannot be opened
     * @throws IllegalStateException when the host key is unusable
     */
    public static BridgeServer start(BridgeConfig config) {
        return start(config, Optional.empty());
    }

    /**
     * Returns a bridge listening as {@code config} says, with its metrics in {@code metrics} when given.
     *
     * @throws UncheckedIOException when the listener cannot bind or the audit log cannot be opened
     * @throws IllegalStateException when the host key is unusable
     */
    public static BridgeServer start(BridgeConfig config, Optional<PrometheusRegistry> metrics) {
        requireNonNull(config, "config");
        requireNonNull(metrics, "metrics");
        final KeyPair hostKey = HostKeyFile.loadOrCreate(config.hostKey());
        final AuditLog audit;
        try {
            audit = AuditLog.open(config.auditLog());
        } catch (IOException e) {
            throw new UncheckedIOException("audit-log " + config.auditLog() + ": cannot open: " + e.getMessage(), e);
        }
        final AtomicBoolean stopping = new AtomicBoolean();
        final ThreadPoolExecutor decisions = decisionExecutor();
        final SshServer sshd = SshServer.setUpDefaultServer();
        ModernAlgorithms.apply(sshd);
        sshd.setHost(config.listen().host());
        sshd.setPort(config.listen().port());
        sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        // The certificate is offered beside the plain key, never instead: clients that refuse certificates
        // (or do not trust the CA) still connect with the key pinned in their known_hosts.
        config.hostCertificate()
                .ifPresent(file -> sshd.setHostKeyCertificateProvider(HostCertificate.load(file, hostKey)));

        final CertificateVerifier verifier = new CertificateVerifier(config.trustedCaKeys(), Clock.systemUTC());
        sshd.setUserAuthFactories(List.of(new CertificateUserAuthFactory(verifier)));
        // Belt and braces: no other authenticator exists, and the stock public-key one rejects everything.
        sshd.setPublickeyAuthenticator(RejectAllPublickeyAuthenticator.INSTANCE);
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setGSSAuthenticator(null);
        sshd.setHostBasedAuthenticator(null);

        sshd.setServiceFactories(
                List.of(ServerUserAuthServiceFactory.INSTANCE, new RefusalMessageConnectionServiceFactory()));
        sshd.setChannelFactories(List.of(
                SessionChannels.factory(config.shell()),
                new PolicyDirectTcpipFactory(
                        config.policy(), decisions, BridgeLimits.DECISION_TIMEOUT, stopping::get)));
        SessionChannels.configure(sshd, config.shell());
        sshd.setForwardingFilter(new BridgeForwardingFilter());
        sshd.setAgentFactory(null);
        // No tcpip-forward (remote forwarding) handler and no host-key rotation messages.
        sshd.setGlobalRequestHandlers(List.of(KeepAliveHandler.INSTANCE, NoMoreSessionsHandler.INSTANCE));
        sshd.addSessionListener(new SessionAuditListener(audit, Clock.systemUTC(), stopping::get));
        metrics.map(BridgeMetrics::new).ifPresent(m -> {
            sshd.addSessionListener(m);
            sshd.addChannelListener(m);
        });

        CoreModuleProperties.AUTH_TIMEOUT.set(sshd, BridgeLimits.AUTH_TIMEOUT);
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(sshd, BridgeLimits.MAX_AUTH_ATTEMPTS);
        CoreModuleProperties.IO_CONNECT_TIMEOUT.set(sshd, BridgeLimits.CONNECT_TIMEOUT);
        CoreModuleProperties.IDLE_TIMEOUT.set(sshd, BridgeLimits.IDLE_TIMEOUT);
        CoreModuleProperties.MAX_CONCURRENT_CHANNELS.set(sshd, BridgeLimits.MAX_CHANNELS_PER_SESSION);
        // Say what this is, not which library version answers.
        CoreModuleProperties.SERVER_IDENTIFICATION.set(sshd, "PortlessBridge");

        try {
            sshd.start();
        } catch (IOException e) {
            decisions.shutdownNow();
            closeQuietly(audit);
            throw new UncheckedIOException(
                    "listen " + config.listen().host() + ':' + config.listen().port() + ": cannot listen: "
                            + e.getMessage(),
                    e);
        }
        final BridgeServer bridge =
                new BridgeServer(sshd, audit, decisions, stopping, HostKeyFile.fingerprint(hostKey));
        if (config.policy().isEmpty()) {
            logger.warn("the policy has no rules: every forwarding request will be refused");
        }
        if (config.shell()) {
            logger.warn("shell: true - certificate holders can run commands on the bridge host as this OS user");
        }
        return bridge;
    }

    /** Returns the port the listener is bound to, which is the configured one unless that was 0. */
    public int port() {
        return sshd.getPort();
    }

    /** Returns the {@code SHA256:...} fingerprint of the host key clients see. */
    public String hostKeyFingerprint() {
        return hostKeyFingerprint;
    }

    /** Returns whether the listener is still running. */
    public boolean isOpen() {
        return sshd.isOpen();
    }

    /** Stops listening, ends every session (their records say "bridge stopped") and closes the audit log. */
    @Override
    public void close() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        try {
            sshd.stop(true);
        } catch (IOException e) {
            logger.warn("stopping the SSH listener: {}", e.getMessage());
        }
        decisions.shutdownNow();
        closeQuietly(audit);
    }

    private static ThreadPoolExecutor decisionExecutor() {
        final AtomicInteger count = new AtomicInteger();
        final ThreadPoolExecutor executor = new ThreadPoolExecutor(
                BridgeLimits.DECISION_THREADS,
                BridgeLimits.DECISION_THREADS,
                30,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(BridgeLimits.DECISION_QUEUE),
                runnable -> {
                    final Thread thread = new Thread(runnable, "bridge-policy-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    private static void closeQuietly(AuditLog audit) {
        try {
            audit.close();
        } catch (IOException e) {
            logger.warn("closing audit-log {}: {}", audit.file(), e.getMessage());
        }
    }
}
