package dev.portless.bridge.forward;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.RemoteWindow;

/**
 * The client's window of a forwarding channel that also counts what it lets through: every byte
 * of the target's data sent on to the client consumes window, so the sum is exactly the bytes delivered
 * toward the client.
 */
final class CountingRemoteWindow extends RemoteWindow {

    private final AtomicLong consumed = new AtomicLong();

    CountingRemoteWindow(Channel channel) {
        super(channel, false);
    }

    @Override
    public void consume(long len) {
        super.consume(len);
        consumed.addAndGet(len);
    }

    /** Returns the bytes consumed so far. */
    long consumed() {
        return consumed.get();
    }
}
