package dev.portless.bridge.forward;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.forward.TcpForwardingFilter;

/** The factory of {@code direct-tcpip} channels that obey the bridge policy. */
public final class PolicyDirectTcpipFactory implements ChannelFactory {

    private final DestinationPolicy policy;
    private final Executor decisions;
    private final Duration decisionTimeout;
    private final BooleanSupplier stopping;

    /**
     * Returns a factory whose channels ask {@code policy} on {@code decisions} (never on an I/O thread, since
     * the policy may ask DNS), giving up after {@code decisionTimeout}.
     */
    public PolicyDirectTcpipFactory(
            DestinationPolicy policy, Executor decisions, Duration decisionTimeout, BooleanSupplier stopping) {
        this.policy = requireNonNull(policy, "policy");
        this.decisions = requireNonNull(decisions, "decisions");
        this.decisionTimeout = requireNonNull(decisionTimeout, "decisionTimeout");
        this.stopping = requireNonNull(stopping, "stopping");
    }

    @Override
    public String getName() {
        return TcpForwardingFilter.Type.Direct.getName();
    }

    @Override
    public Channel createChannel(Session session) {
        return new PolicyForwardingChannel(policy, decisions, decisionTimeout, stopping);
    }
}
