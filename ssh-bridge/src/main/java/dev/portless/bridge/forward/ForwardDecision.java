package dev.portless.bridge.forward;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

/** What the policy decided about one forwarding request: the exact address to dial, or why not. */
public sealed interface ForwardDecision {

    /** Returns a decision to dial {@code address}, which is resolved and will not be looked up again. */
    static ForwardDecision dial(InetSocketAddress address) {
        return new Dial(address);
    }

    /** Returns a refusal by policy, with the sentence the user's ssh client shows. */
    static ForwardDecision refused(String reason) {
        return new Refused(reason, false);
    }

    /** Returns a failure that is not the policy's doing (the name does not resolve), with its sentence. */
    static ForwardDecision unreachable(String reason) {
        return new Refused(reason, true);
    }

    /** The destination is allowed; dial exactly {@code address}. */
    record Dial(InetSocketAddress address) implements ForwardDecision {
        public Dial {
            requireNonNull(address, "address");
            if (address.isUnresolved()) {
                throw new IllegalArgumentException("address: " + address + " (expected: resolved)");
            }
        }
    }

    /**
     * The destination is refused.
     *
     * @param unreachable {@code true} when the name did not resolve rather than the policy saying no
     */
    record Refused(String reason, boolean unreachable) implements ForwardDecision {
        public Refused {
            requireNonNull(reason, "reason");
        }
    }
}
