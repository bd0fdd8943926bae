package dev.portless.connector.run.session;

import dev.portless.common.resume.ResumableEnd;
import java.util.concurrent.ScheduledFuture;

/**
 * One resumable stream the connector holds: its target side, whose it is and the hash of its
 * secret. Its mutable fields are touched from the end's event loop only.
 */
final class StreamSession {
    final String id;
    final String hostname;
    final String subject;
    final byte[] secretHash;
    final String target;
    ResumableEnd end;
    ScheduledFuture<?> detachTimer;

    StreamSession(String id, String hostname, String subject, byte[] secretHash, String target) {
        this.id = id;
        this.hostname = hostname;
        this.subject = subject;
        this.secretHash = secretHash;
        this.target = target;
    }
}
