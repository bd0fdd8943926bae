package dev.portless.common.admin;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/** A source of the answer to "may a load balancer send this process work now?". */
@FunctionalInterface
public interface Readiness {
    /** Returns why the process is not ready, as one sentence; empty when it is ready. */
    Optional<String> notReadyBecause();

    /** Returns a readiness that is ready only when every one of {@code sources} is. */
    static Readiness all(List<Readiness> sources) {
        List<Readiness> copy = List.copyOf(requireNonNull(sources, "sources"));
        return () -> copy.stream()
                .map(Readiness::notReadyBecause)
                .flatMap(Optional::stream)
                .findFirst();
    }
}
