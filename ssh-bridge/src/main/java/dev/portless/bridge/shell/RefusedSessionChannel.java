package dev.portless.bridge.shell;

import dev.portless.bridge.forward.ChannelRefusals;
import java.io.IOException;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.AbstractServerChannel;

/**
 * A {@code session} channel that never opens, for a bridge without {@code shell: true}: the
 * user's ssh prints the sentence below instead of MINA's "Unsupported channel type".
 */
final class RefusedSessionChannel extends AbstractServerChannel {

    static final String MESSAGE =
            "this bridge runs no shell, command or subsystem; use it as a jump host " + "(ssh -J user@bridge target)";

    RefusedSessionChannel() {
        super(null);
    }

    @Override
    protected OpenFuture doInit(Buffer buffer) {
        final DefaultOpenFuture refused = new DefaultOpenFuture(this, futureLock);
        ChannelRefusals.record(getSession(), getRecipient(), MESSAGE);
        refused.setException(new SshChannelOpenException(
                getChannelId(), SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, MESSAGE));
        close(true);
        return refused;
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        throw new IOException("the session channel never opened");
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
        throw new IOException("the session channel never opened");
    }
}
