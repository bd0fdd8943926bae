package dev.portless.common.resume;

import io.netty.buffer.ByteBuf;

/** One decoded frame of {@code portless-resume.v1}. */
sealed interface ResumeFrame {
    /** Stream bytes; the receiver owns {@code bytes}. */
    record Data(ByteBuf bytes) implements ResumeFrame {}

    /** How many bytes (plus one for an end) the sender has received in all. */
    record Ack(long count) implements ResumeFrame {}

    /** The sender's half-close. */
    record Fin() implements ResumeFrame {}

    /** The end of the stream, with a close code and a reason a user can read. */
    record Reset(int closeCode, String reason) implements ResumeFrame {}

    /** The connector's name for a new stream and the secret that resumes it. */
    record Hello(String streamId, String secret) implements ResumeFrame {}
}
