package dev.portless.connector.edge.policy;

import static java.util.Objects.requireNonNull;

import dev.portless.common.net.IpRange;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One condition of a policy rule: who or where a request comes from.
 */
public sealed interface Selector {
    /** Returns whether {@code identity} connecting from {@code client} matches. */
    boolean matches(Identity identity, InetAddress client);

    /** Returns the selector's key in the configuration, for logs and errors. */
    String kind();

    /** A selector matching every signed-in person (never a service token: name those explicitly). */
    record Everyone() implements Selector {
        @Override
        public boolean matches(Identity identity, InetAddress client) {
            return identity.serviceToken().isEmpty();
        }

        @Override
        public String kind() {
            return "everyone";
        }
    }

    /**
     * A selector matching every request, with or without credentials: the app is public
     * ({@code policy: bypass}) and the edge lets requests through without sign-in.
     */
    record Bypass() implements Selector {
        @Override
        public boolean matches(Identity identity, InetAddress client) {
            return true;
        }

        @Override
        public String kind() {
            return "bypass";
        }
    }

    /** A selector matching these e-mail addresses, compared without regard to case. */
    record Emails(Set<String> emails) implements Selector {
        /** Copies the addresses in lower case. */
        public Emails {
            emails = lower(emails);
        }

        @Override
        public boolean matches(Identity identity, InetAddress client) {
            return identity.email().filter(emails::contains).isPresent();
        }

        @Override
        public String kind() {
            return "emails";
        }
    }

    /** A selector matching e-mail addresses in exactly these domains (not their subdomains). */
    record EmailDomains(Set<String> domains) implements Selector {
        /** Copies the domains in lower case. */
        public EmailDomains {
            domains = lower(domains);
        }

        @Override
        public boolean matches(Identity identity, InetAddress client) {
            return identity.email()
                    .map(e -> e.substring(e.lastIndexOf('@') + 1))
                    .filter(domains::contains)
                    .isPresent();
        }

        @Override
        public String kind() {
            return "email-domains";
        }
    }

    /** A selector matching members of any of these groups, compared exactly. */
    record Groups(Set<String> groups) implements Selector {
        /** Copies the groups. */
        public Groups {
            groups = Set.copyOf(requireNonNull(groups, "groups"));
        }

        @Override
        public boolean matches(Identity identity, InetAddress client) {
            return identity.groups().stream().anyMatch(groups::contains);
        }

        @Override
        public String kind() {
            return "groups";
        }
    }

    /** A selector matching client addresses in any of these ranges. */
    record IpRanges(List<IpRange> ranges) implements Selector {
        /** Copies the ranges. */
        public IpRanges {
            ranges = List.copyOf(requireNonNull(ranges, "ranges"));
        }

        @Override
        public boolean matches(Identity identity, InetAddress client) {
            return ranges.stream().anyMatch(r -> r.contains(client));
        }

        @Override
        public String kind() {
            return "ip-ranges";
        }
    }

    /** A selector matching these service tokens by name. */
    record ServiceTokens(Set<String> names) implements Selector {
        /** Copies the names. */
        public ServiceTokens {
            names = Set.copyOf(requireNonNull(names, "names"));
        }

        @Override
        public boolean matches(Identity identity, InetAddress client) {
            return identity.serviceToken().filter(names::contains).isPresent();
        }

        @Override
        public String kind() {
            return "service-tokens";
        }
    }

    private static Set<String> lower(Set<String> values) {
        return requireNonNull(values, "values").stream()
                .map(v -> v.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }
}
