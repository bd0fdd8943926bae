/**
 * Resumable streams ({@code portless-resume.v1}): the framing that runs end to end between
 * {@code access} and the connector inside a stream's bytes, the replay buffer and the end of a
 * stream that outlives the connection carrying it.
 */
package dev.portless.common.resume;
