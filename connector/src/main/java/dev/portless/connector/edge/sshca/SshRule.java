package dev.portless.connector.edge.sshca;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One app's rule for SSH certificates: which login names a signed-in person gets, and which
 * certificate extensions. The edge's configuration builds it from the app's {@code ssh} section.
 *
 * @param emailLocalPart whether the signed-in email's local part is the principal
 * @param principals     principals everyone allowed in gets (with an explicit list)
 * @param groups         principals granted to members of a group
 * @param permissions    the certificate extensions granted
 */
public record SshRule(
        boolean emailLocalPart, List<String> principals, List<GroupPrincipals> groups, Set<SshPermission> permissions) {
    /** The permissions when an app names none. */
    public static final Set<SshPermission> DEFAULT_PERMISSIONS =
            Set.of(SshPermission.PTY, SshPermission.PORT_FORWARDING);

    /**
     * Principals granted to the members of a group.
     *
     * @param group      the group name as the app token carries it
     * @param principals the login names
     */
    public record GroupPrincipals(String group, List<String> principals) {
        /** Copies the list. */
        public GroupPrincipals {
            requireNonNull(group, "group");
            principals = List.copyOf(principals);
        }
    }

    /** Checks that no component is null and copies the collections. */
    public SshRule {
        principals = List.copyOf(requireNonNull(principals, "principals"));
        groups = List.copyOf(requireNonNull(groups, "groups"));
        permissions = Set.copyOf(requireNonNull(permissions, "permissions"));
    }

    /** Returns the defaults: the email's local part, with pty and port forwarding. */
    public static SshRule defaults() {
        return new SshRule(true, List.of(), List.of(), DEFAULT_PERMISSIONS);
    }

    /**
     * Returns the principals of a user with {@code email} (absent for service tokens) in {@code userGroups};
     * empty when nothing maps (the CA never issues a certificate without principals).
     */
    public List<String> principalsFor(Optional<String> email, List<String> userGroups) {
        Set<String> result = new LinkedHashSet<>();
        if (emailLocalPart) {
            email.ifPresent(e -> result.add(Principals.fromEmail(e)));
        }
        result.addAll(principals);
        for (GroupPrincipals g : groups) {
            if (userGroups.contains(g.group())) {
                result.addAll(g.principals());
            }
        }
        return List.copyOf(result);
    }
}
