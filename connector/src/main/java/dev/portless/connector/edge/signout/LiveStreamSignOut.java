package dev.portless.connector.edge.signout;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.events.EdgeEvents;
import dev.portless.connector.edge.events.SignOutEnforcement;
import dev.portless.connector.edge.identity.token.TokenRevocations;
import dev.portless.connector.edge.store.IdentitySignOut;
import dev.portless.connector.edge.streams.OpenStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the live streams of an identity an administrator signed out, as soon as this edge learns of the sign-out:
 * at once where it was made, within about a second at the other edges sharing the store; and tells the edge's
 * events (the audit log) what it ended.
 */
public final class LiveStreamSignOut {
    private static final Logger log = LoggerFactory.getLogger(LiveStreamSignOut.class);

    private LiveStreamSignOut() {}

    /** Has every sign-out {@code revocations} learns end the matching streams of {@code streams}, told to {@code events}. */
    public static void enforce(TokenRevocations revocations, OpenStreams streams, EdgeEvents events) {
        requireNonNull(revocations, "revocations");
        requireNonNull(streams, "streams");
        requireNonNull(events, "events");
        revocations.onSignOut((signOut, madeHere) -> end(signOut, madeHere, revocations, streams, events));
    }

    private static void end(
            IdentitySignOut signOut,
            boolean madeHere,
            TokenRevocations revocations,
            OpenStreams streams,
            EdgeEvents events) {
        int ended = streams.endSignedOut(owner -> revocations
                .signedOut(owner.identity(), owner.app(), owner.since())
                .isPresent());
        log.info(
                "Sign-out of {} from {}: {} live stream(s) at this edge ended",
                signOut.identity(),
                signOut.app().isEmpty() ? "every app" : signOut.app(),
                ended);
        events.signOutEnforced(
                new SignOutEnforcement(signOut.identity(), signOut.app(), signOut.at(), madeHere, ended));
    }
}
