package dev.portless.connector.edge.events;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.policy.Identity;
import java.util.List;

/**
 * The listener of what happens at the edge: streams, web requests, sign-ins, tokens, policy
 * refusals, SSH certificates and administrators' sign-outs. Every method has a default that ignores the event, so an
 * observer implements only what it needs; callers run on event loops and web workers, so an
 * implementation never blocks for long.
 */
public interface EdgeEvents {
    /** An edge without observers. */
    EdgeEvents NONE = new EdgeEvents() {};

    /** A connector opened a stream for {@code app} after {@code setupNanos} since the request arrived. */
    default void streamOpened(String app, long setupNanos) {}

    /** A stream that was opened has ended. */
    default void streamEnded(EndedStream end) {}

    /**
     * A stream or web request was refused before any byte reached a target: bad credentials, a
     * policy refusal, no connector, or the connector's own refusal.
     */
    default void refused(Refusal refusal) {}

    /** A web-app request was answered with {@code status}. */
    default void httpRequest(String app, int status) {}

    /** Someone signed in through {@code identity.provider()}. */
    default void signedIn(Identity identity) {}

    /** A sign-in through {@code provider} failed: {@code result} is a short code such as {@code wrong_pin}. */
    default void signInFailed(String provider, String result) {}

    /** An app token was minted for {@code identity} and {@code app}. */
    default void tokenIssued(TokenIssue issue) {}

    /** An app token was checked: {@code result} is {@code valid} or the rejection in lower case. */
    default void tokenChecked(String result) {}

    /** An SSH user certificate was signed. */
    default void sshCertificateIssued(SshCertificateIssue issue) {}

    /** An administrator's sign-out reached this edge, which ended the identity's live streams. */
    default void signOutEnforced(SignOutEnforcement enforcement) {}

    /** One operation of the shared store took {@code nanos}; {@code operation} names it briefly. */
    default void storeOperation(String operation, long nanos) {}

    /** Returns a listener that hands every event to each of {@code observers}, in order. */
    static EdgeEvents all(List<EdgeEvents> observers) {
        List<EdgeEvents> copy = List.copyOf(requireNonNull(observers, "observers"));
        return copy.size() == 1 ? copy.get(0) : new EdgeEventFanOut(copy);
    }
}
