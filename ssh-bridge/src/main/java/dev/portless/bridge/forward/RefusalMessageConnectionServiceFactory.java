package dev.portless.bridge.forward;

import java.io.IOException;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.session.AbstractServerSession;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;

/** The {@code ssh-connection} service factory that installs {@link RefusalMessageConnectionService}. */
public final class RefusalMessageConnectionServiceFactory extends ServerConnectionServiceFactory {

    @Override
    public Service create(Session session) throws IOException {
        if (!(session instanceof AbstractServerSession)) {
            throw new IllegalArgumentException("session: " + session + " (expected: a server session)");
        }
        final RefusalMessageConnectionService service =
                new RefusalMessageConnectionService((AbstractServerSession) session);
        // As MINA's factory does, so port-forwarding event listeners registered here still hear events.
        service.addPortForwardingEventListenerManager(this);
        return service;
    }
}
