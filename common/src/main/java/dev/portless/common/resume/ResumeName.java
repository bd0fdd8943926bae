package dev.portless.common.resume;

import static java.util.Objects.requireNonNull;

/**
 * The connector's name for a resumable stream and the secret that resumes it.
 *
 * @param streamId {@code <connector instance id>.<128 random bits>}
 * @param secret   the resume secret; never logged
 */
public record ResumeName(String streamId, String secret) {
    /** Returns a name. */
    public ResumeName {
        requireNonNull(streamId, "streamId");
        requireNonNull(secret, "secret");
    }

    /** Returns the instance id of the connector that holds the stream: the part before the dot. */
    public static String instanceOf(String streamId) {
        int dot = streamId.indexOf('.');
        return dot < 0 ? "" : streamId.substring(0, dot);
    }

    @Override
    public String toString() {
        return "ResumeName[" + streamId + "]";
    }
}
