package dev.portless.connector.edge.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Who is asking: a person signed in through an identity provider, or a service token.
 *
 * @param subject      the stable id of the person at their provider ({@code sub}), or
 *                     {@code service-token:<name>}
 * @param email        the verified e-mail address, lower case; empty for service tokens and for
 *                     providers that did not vouch for one
 * @param groups       the groups the provider named, in its spelling
 * @param serviceToken the service token's name, when this is one
 * @param provider     the name of the identity provider, or {@code service-token}
 */
public record Identity(
        String subject, Optional<String> email, List<String> groups, Optional<String> serviceToken, String provider) {

    /** The provider name of service-token identities. */
    public static final String SERVICE_TOKEN_PROVIDER = "service-token";

    /** Checks that no component is null and copies the groups. */
    public Identity {
        requireNonNull(subject, "subject");
        requireNonNull(email, "email");
        groups = List.copyOf(requireNonNull(groups, "groups"));
        requireNonNull(serviceToken, "serviceToken");
        requireNonNull(provider, "provider");
        email = email.map(e -> e.toLowerCase(Locale.ROOT));
    }

    /** Returns a person signed in through {@code provider}. */
    public static Identity user(String provider, String subject, Optional<String> email, List<String> groups) {
        return new Identity(subject, email, groups, Optional.empty(), provider);
    }

    /** Returns the identity of the service token {@code name}. */
    public static Identity serviceToken(String name) {
        requireNonNull(name, "name");
        return new Identity(
                "service-token:" + name, Optional.empty(), List.of(), Optional.of(name), SERVICE_TOKEN_PROVIDER);
    }

    /** Returns the name a person recognises: the e-mail address, else the service token or subject. */
    public String displayName() {
        return email.orElseGet(() -> serviceToken.map(n -> "service token " + n).orElse(subject));
    }
}
