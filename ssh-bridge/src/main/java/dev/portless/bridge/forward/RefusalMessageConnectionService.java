package dev.portless.bridge.forward;

import java.io.IOException;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.AbstractServerSession;
import org.apache.sshd.server.session.ServerConnectionService;

/** MINA's connection service, except that a channel-open failure carries the bridge's own sentence. */
final class RefusalMessageConnectionService extends ServerConnectionService {

    RefusalMessageConnectionService(AbstractServerSession session) throws SshException {
        super(session);
    }

    @Override
    protected IoWriteFuture sendChannelOpenFailure(
            Buffer buffer, long sender, int reasonCode, String message, String lang) throws IOException {
        final String clear = ChannelRefusals.take(getSession(), sender);
        return super.sendChannelOpenFailure(buffer, sender, reasonCode, clear != null ? clear : message, lang);
    }
}
