package dev.portless.connector.ingress;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.HostPort;
import java.net.InetAddress;

/** What a bastion does with a jump destination: refuse it, dial an address, or resolve a name first. */
public sealed interface BastionDecision {

    /**
     * The destination is refused.
     *
     * @param reason one sentence for the user and the log, without the client's raw text when it is malformed
     */
    record Refused(String reason) implements BastionDecision {
        /** Checks the reason. */
        public Refused {
            requireNonNull(reason, "reason");
        }
    }

    /**
     * The destination may be dialed.
     *
     * @param destination as the stream named it
     * @param address     the address to dial
     */
    record Dial(HostPort destination, InetAddress address) implements BastionDecision {
        /** Checks both. */
        public Dial {
            requireNonNull(destination, "destination");
            requireNonNull(address, "address");
        }
    }

    /**
     * The destination is a name that must be resolved (off the event loop) before the final check.
     *
     * @param destination as the stream named it
     * @param nameMatched whether a name entry allows it, so any ordinary address it resolves to is allowed
     */
    record Resolve(HostPort destination, boolean nameMatched) implements BastionDecision {
        /** Checks the destination. */
        public Resolve {
            requireNonNull(destination, "destination");
        }
    }
}
