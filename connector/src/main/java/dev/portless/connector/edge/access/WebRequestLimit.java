package dev.portless.connector.edge.access;

import static java.util.Objects.requireNonNull;

import dev.portless.common.wire.StreamError;
import dev.portless.connector.edge.access.StreamAdmission.Refused;
import dev.portless.connector.edge.access.StreamAdmission.Ticket;
import dev.portless.connector.edge.events.Refusal;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;

/**
 * The in-flight count of web-app requests (HTTP/1.1 or h2) held against the per-address and
 * per-identity limits, so a flood of plain requests is refused like a flood of streams. A public
 * app's requests share one anonymous name and are held by the address limit alone.
 */
final class WebRequestLimit {
    private final StreamAdmission admission;

    /** Returns the limit of the requests {@code admission} lets in. */
    WebRequestLimit(StreamAdmission admission) {
        this.admission = requireNonNull(admission, "admission");
    }

    /**
     * Counts the request let in by {@code ticket} from {@code client}; empty when it fits, and then
     * {@link #ended} must run once when it ends. Otherwise returns the refusal, already counted in the
     * refusal log and the edge's events.
     */
    Optional<Refused> started(Ticket ticket, InetAddress client) {
        ClientLimits limits = admission.clientLimits();
        if (!limits.clientRequestStarted(client)) {
            return Optional.of(refuse(
                    ticket,
                    "Too many requests from your address are in flight (the edge allows "
                            + limits.limits().webRequestsPerClient() + "); retry in a second."));
        }
        String identity = ticket.identity();
        if (counted(identity) && !limits.identityRequestStarted(identity)) {
            limits.clientRequestEnded(client);
            return Optional.of(refuse(
                    ticket,
                    identity + " has the most requests in flight the edge allows one identity ("
                            + limits.limits().webRequestsPerIdentity() + "); retry in a second."));
        }
        return Optional.empty();
    }

    /** Releases what {@link #started} counted for {@code ticket} from {@code client}. */
    void ended(Ticket ticket, InetAddress client) {
        ClientLimits limits = admission.clientLimits();
        limits.clientRequestEnded(client);
        if (counted(ticket.identity())) {
            limits.identityRequestEnded(ticket.identity());
        }
    }

    private static boolean counted(String identity) {
        return !StreamAdmission.ANONYMOUS.equals(identity);
    }

    private Refused refuse(Ticket ticket, String sentence) {
        StreamError error = StreamError.TOO_MANY_REQUESTS;
        admission
                .services()
                .events()
                .refused(new Refusal(
                        ticket.app().hostname(), ticket.clientAddress(), error.code(), error.httpStatus(), sentence));
        return new Refused(error, sentence, Map.of());
    }
}
