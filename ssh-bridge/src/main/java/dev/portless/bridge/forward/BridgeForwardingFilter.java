package dev.portless.bridge.forward;

import dev.portless.common.net.IpLiterals;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.forward.ForwardingFilter;

/**
 * MINA's forwarding filter for the bridge: no agent forwarding, no X11, no remote port forwarding
 * ({@code tcpip-forward}), and direct connections only to an IP literal, which is what
 * {@link PolicyForwardingChannel} hands MINA after the policy chose it. A host name reaching this filter
 * would mean a second DNS lookup, so it is refused.
 */
public final class BridgeForwardingFilter implements ForwardingFilter {

    @Override
    public boolean canForwardAgent(Session session, String requestType) {
        return false;
    }

    @Override
    public boolean canForwardX11(Session session, String requestType) {
        return false;
    }

    @Override
    public boolean canListen(SshdSocketAddress address, Session session) {
        return false;
    }

    @Override
    public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
        return type == Type.Direct && IpLiterals.parse(address.getHostName()) != null;
    }
}
