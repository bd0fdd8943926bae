/**
 * The client side of resumable streams ({@code portless-resume.v1}): it asks for a resumable
 * stream, and when the connection to the edge breaks it redials and resumes, with backoff, until
 * the stream is back or the give-up time has passed.
 */
package dev.portless.access.resume;
