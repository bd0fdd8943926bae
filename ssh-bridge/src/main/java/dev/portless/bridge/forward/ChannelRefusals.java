package dev.portless.bridge.forward;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;

/**
 * The refusal sentences waiting to be sent for channels of one session. MINA 2.20 replaces the
 * message of a channel-open failure with "Generic error while opening channel"; the bridge parks its own
 * sentence here under the client's channel number, and {@link RefusalMessageConnectionService} sends it
 * instead, so the user's ssh prints why.
 */
public final class ChannelRefusals {

    private static final AttributeKey<Map<Long, String>> KEY = new AttributeKey<>();

    private ChannelRefusals() {}

    /** Parks {@code message} for the failure about to be sent for the client's channel {@code recipient}. */
    public static void record(Session session, long recipient, String message) {
        requireNonNull(message, "message");
        session.computeAttributeIfAbsent(KEY, key -> new ConcurrentHashMap<>()).put(recipient, message);
    }

    /** Returns and forgets the message parked for the client's channel {@code recipient}, or {@code null}. */
    static String take(Session session, long recipient) {
        final Map<Long, String> messages = session.getAttribute(KEY);
        return messages == null ? null : messages.remove(recipient);
    }
}
