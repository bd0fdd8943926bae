package dev.portless.bridge.metrics;

import static java.util.Objects.requireNonNull;

import dev.portless.bridge.audit.SessionAudit;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

/**
 * The bridge's metrics, named {@code portless_bridge_*}: SSH sessions and forwarded channels.
 * Bytes per channel are in the audit log.
 */
public final class BridgeMetrics implements SessionListener, ChannelListener {
    private static final AttributeKey<Boolean> COUNTED = new AttributeKey<>();
    private final Gauge sessionsOpen;
    private final Counter sessions;
    private final Gauge channelsOpen;
    private final Counter channels;

    /** Returns the bridge's metrics in {@code registry}. */
    public BridgeMetrics(PrometheusRegistry registry) {
        requireNonNull(registry, "registry");
        sessionsOpen = Gauge.builder()
                .name("portless_bridge_sessions_open")
                .help("SSH connections open now.")
                .register(registry);
        sessions = Counter.builder()
                .name("portless_bridge_sessions_total")
                .help("SSH connections that have ended, by result: authenticated, or not_authenticated.")
                .labelNames("result")
                .register(registry);
        channelsOpen = Gauge.builder()
                .name("portless_bridge_channels_open")
                .help("Channels (forwardings) open now.")
                .register(registry);
        channels = Counter.builder()
                .name("portless_bridge_channels_total")
                .help("Channels (forwardings) that have been opened.")
                .register(registry);
    }

    @Override
    public void sessionCreated(Session session) {
        sessionsOpen.inc();
    }

    @Override
    public void sessionClosed(Session session) {
        sessionsOpen.dec();
        SessionAudit audit = SessionAudit.of(session);
        boolean authenticated = audit != null && audit.identity() != null;
        sessions.labelValues(authenticated ? "authenticated" : "not_authenticated")
                .inc();
    }

    @Override
    public void channelOpenSuccess(Channel channel) {
        channel.setAttribute(COUNTED, Boolean.TRUE);
        channelsOpen.inc();
        channels.inc();
    }

    @Override
    public void channelClosed(Channel channel, Throwable reason) {
        // A channel that never opened was never counted as open.
        if (channel.removeAttribute(COUNTED) != null) {
            channelsOpen.dec();
        }
    }
}
