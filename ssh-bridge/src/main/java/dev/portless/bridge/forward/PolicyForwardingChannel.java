package dev.portless.bridge.forward;

import static java.util.Objects.requireNonNull;

import dev.portless.bridge.audit.ChannelAudit;
import dev.portless.bridge.audit.LogText;
import dev.portless.bridge.audit.SessionAudit;
import dev.portless.bridge.auth.AuthenticatedIdentity;
import dev.portless.bridge.identity.CertificateIdentity;
import dev.portless.common.net.IpLiterals;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.RemoteWindow;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.forward.ChannelToPortHandler;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.server.forward.TcpipServerChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code direct-tcpip} channel (what {@code ssh -J} and {@code ssh -W} open) that asks the
 * {@link DestinationPolicy} first, off the I/O thread, and then lets MINA dial exactly the address the
 * policy chose, so DNS is asked once and cannot answer differently between the check and the dial.
 * MINA's relay does the rest (flow control, half-close); this class adds the audit record.
 */
final class PolicyForwardingChannel extends TcpipServerChannel {

    private static final Logger logger = LoggerFactory.getLogger(PolicyForwardingChannel.class);

    private final DestinationPolicy policy;
    private final Executor decisions;
    private final Duration decisionTimeout;
    private final BooleanSupplier stopping;
    private final CountingRemoteWindow window;
    /** Set once in {@link #doInit}, before any other method here can run. */
    private volatile ChannelAudit audit;

    private volatile String label = "channel";

    PolicyForwardingChannel(
            DestinationPolicy policy, Executor decisions, Duration decisionTimeout, BooleanSupplier stopping) {
        super(TcpForwardingFilter.Type.Direct, null);
        this.policy = requireNonNull(policy, "policy");
        this.decisions = requireNonNull(decisions, "decisions");
        this.decisionTimeout = requireNonNull(decisionTimeout, "decisionTimeout");
        this.stopping = requireNonNull(stopping, "stopping");
        this.window = new CountingRemoteWindow(this);
    }

    @Override
    public RemoteWindow getRemoteWindow() {
        // AbstractChannel builds its own window before this constructor body runs; from then on every user
        // of the window (open, window-adjust, the async output stream) goes through this method.
        return window != null ? window : super.getRemoteWindow();
    }

    @Override
    protected OpenFuture doInit(Buffer buffer) {
        final String host = buffer.getString();
        final int port = buffer.getInt();
        final String originatorHost = buffer.getString();
        final int originatorPort = buffer.getInt();
        final DefaultOpenFuture opened = new DefaultOpenFuture(this, futureLock);
        final SessionAudit sessionAudit = SessionAudit.of(getSession());
        final String target = (host.indexOf(':') >= 0 ? '[' + host + ']' : host) + ':' + port;
        audit = new ChannelAudit(sessionAudit, target, window::consumed);
        label = "session " + sessionAudit.id() + " (" + sessionAudit.source() + ") forward to " + LogText.quote(target);
        // The close future, not ChannelListener.channelClosed: MINA signals the latter when closing starts,
        // before the data still queued for the client is sent and counted.
        addCloseFutureListener(closed -> finish());

        final CertificateIdentity identity = AuthenticatedIdentity.of(getSession());
        if (identity == null) {
            return refuse(opened, SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, "not authenticated");
        }
        if (!identity.permitsPortForwarding()) {
            return refuse(
                    opened,
                    SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
                    "certificate "
                            + LogText.quote(identity.keyId()) + " does not permit port forwarding (it lacks the "
                            + "permit-port-forwarding extension)");
        }
        if (port < 1 || port > 65535) {
            return refuse(opened, SshConstants.SSH_OPEN_CONNECT_FAILED, "port " + port + " is out of range");
        }
        try {
            CompletableFuture.supplyAsync(() -> policy.decide(identity.principal(), host, port), decisions)
                    .orTimeout(decisionTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((decision, error) ->
                            decided(opened, host, decision, error, originatorHost, originatorPort));
        } catch (RejectedExecutionException e) {
            return refuse(
                    opened,
                    SshConstants.SSH_OPEN_RESOURCE_SHORTAGE,
                    "the bridge is busy checking other destinations; try again");
        }
        return opened;
    }

    /** Runs on a policy thread once the decision is in, or on the JDK's timer thread when it timed out. */
    private void decided(
            DefaultOpenFuture opened,
            String host,
            ForwardDecision decision,
            Throwable error,
            String originatorHost,
            int originatorPort) {
        if (isClosing() || !isOpen()) {
            // The session went away while DNS was answering: dialing now would open a connection nobody reads.
            opened.setException(new SshChannelOpenException(
                    getChannelId(),
                    SshConstants.SSH_OPEN_CONNECT_FAILED,
                    "the channel closed before its destination was checked"));
            return;
        }
        if (error != null) {
            failed(opened, host, error);
        } else if (decision instanceof ForwardDecision.Dial) {
            dial(opened, ((ForwardDecision.Dial) decision).address(), originatorHost, originatorPort);
        } else {
            final ForwardDecision.Refused refused = (ForwardDecision.Refused) decision;
            refuse(
                    opened,
                    refused.unreachable()
                            ? SshConstants.SSH_OPEN_CONNECT_FAILED
                            : SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
                    refused.reason());
        }
    }

    /** Hands MINA the checked address as a literal, so its connector dials it without another lookup. */
    private void dial(DefaultOpenFuture opened, InetSocketAddress address, String originatorHost, int originatorPort) {
        final String dialed = IpLiterals.hostText(address.getAddress()) + ':' + address.getPort();
        audit.resolved(dialed);
        final Buffer literal = new ByteArrayBuffer();
        literal.putString(IpLiterals.text(address.getAddress()));
        literal.putUInt(address.getPort());
        literal.putString(originatorHost);
        literal.putUInt(originatorPort);
        final OpenFuture connected;
        try {
            connected = super.doInit(literal);
        } catch (RuntimeException e) {
            failed(opened, dialed, e);
            return;
        }
        connected.addListener(future -> {
            if (future.isOpened()) {
                logger.info("{}: connected to {}", label, dialed);
                opened.setOpened();
            } else {
                final Throwable problem = future.getException();
                opened.setException(
                        problem != null
                                ? problem
                                : new SshChannelOpenException(
                                        getChannelId(),
                                        SshConstants.SSH_OPEN_CONNECT_FAILED,
                                        "cannot connect to " + audit.target()));
            }
        });
    }

    /**
     * Records why the dial failed before MINA fails the open and closes the channel: the listener above may
     * run only after that close, when the audit record is already written.
     */
    @Override
    protected void handleChannelOpenFailure(OpenFuture future, Throwable problem) {
        final String dialed = audit.resolvedAddress();
        final String message = "cannot connect to " + audit.target()
                + (audit.target().equals(dialed) ? "" : " (" + dialed + ")") + " from the bridge: "
                + (problem.getMessage() != null
                        ? problem.getMessage()
                        : problem.getClass().getSimpleName());
        ChannelRefusals.record(getSession(), getRecipient(), message);
        audit.ending("connect failed: " + message);
        logger.warn("{}: {}", label, message);
        super.handleChannelOpenFailure(future, problem);
    }

    private void failed(DefaultOpenFuture opened, String host, Throwable error) {
        final Throwable cause =
                error.getCause() != null && !(error instanceof TimeoutException) ? error.getCause() : error;
        final String message = cause instanceof TimeoutException
                ? "checking " + host + " took longer than " + decisionTimeout.toSeconds()
                        + "s (is the bridge's DNS answering?)"
                : "the bridge could not check " + host + ": " + cause;
        refuse(opened, SshConstants.SSH_OPEN_CONNECT_FAILED, message);
    }

    private OpenFuture refuse(DefaultOpenFuture opened, int reasonCode, String message) {
        ChannelRefusals.record(getSession(), getRecipient(), message);
        final boolean byPolicy = reasonCode != SshConstants.SSH_OPEN_CONNECT_FAILED;
        audit.ending((byPolicy ? "refused: " : "connect failed: ") + message);
        logger.warn("{}: {}", label, message);
        opened.setException(new SshChannelOpenException(getChannelId(), reasonCode, message));
        // As MINA does for its own refusals: the channel was registered and must be released.
        close(true);
        return opened;
    }

    @Override
    protected ChannelToPortHandler createChannelToPortHandler(IoSession session) {
        return new ChannelToPortHandler(session, this) {
            @Override
            protected void handleWriteDataSuccess(byte cmd, byte[] data, int off, int len) {
                audit.clientToTarget(len);
                super.handleWriteDataSuccess(cmd, data, off, len);
            }
        };
    }

    @Override
    public void handleClose() throws IOException {
        audit.ending("closed by the client");
        super.handleClose();
    }

    @Override
    protected IoWriteFuture sendEof() throws IOException {
        // MINA sends EOF to the client when the target's side of the connection ended.
        audit.ending("closed by the target");
        return super.sendEof();
    }

    private void finish() {
        if (stopping.getAsBoolean()) {
            audit.ending(SessionAudit.BRIDGE_STOPPED);
        } else if (getSession().isClosing() || !getSession().isOpen()) {
            audit.ending("session ended");
        }
        audit.finish();
        logger.info("{}: closed", label);
    }
}
