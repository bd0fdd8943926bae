package dev.portless.connector.edge.config;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.ConfigNode;
import dev.portless.connector.edge.sshca.Principals;
import dev.portless.connector.edge.sshca.SshPermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Returns the SSH certificate settings of one app, under the app's {@code ssh} key:
 *
 * <pre>{@code
 *   ssh:
 *     principals: email-local-part     # default: ada@example.com gets "ada"
 *     # or an explicit list, optionally per group:
 *     # principals: [deploy, {group: admins, principals: [root]}]
 *     permissions: [pty, port-forwarding]   # default; also agent-forwarding
 * }</pre>
 *
 * @param emailLocalPart whether the signed-in email's local part is the principal
 * @param principals     principals everyone allowed in gets (with an explicit list)
 * @param groups         principals granted to members of a group
 * @param permissions    the certificate extensions granted
 */
public record SshAppSettings(boolean emailLocalPart, List<String> principals, List<GroupPrincipals> groups,
                             Set<SshPermission> permissions) {
    /** The permissions when {@code permissions} is absent. */
    public static final Set<SshPermission> DEFAULT_PERMISSIONS =
            Set.of(SshPermission.PTY, SshPermission.PORT_FORWARDING);
    /** The value of {@code principals} that maps the email's local part. */
    public static final String EMAIL_LOCAL_PART = "email-local-part";

    private static final Set<String> KEYS = Set.of("principals", "permissions");
    private static final Set<String> GROUP_KEYS = Set.of("group", "principals");

    /**
     * Returns principals granted to the members of a group.
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
    public SshAppSettings {
        principals = List.copyOf(requireNonNull(principals, "principals"));
        groups = List.copyOf(requireNonNull(groups, "groups"));
        permissions = Set.copyOf(requireNonNull(permissions, "permissions"));
    }

    /** Returns the defaults: the email's local part, with pty and port forwarding. */
    public static SshAppSettings defaults() {
        return new SshAppSettings(true, List.of(), List.of(), DEFAULT_PERMISSIONS);
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

    /** Returns the {@code ssh} section of an app item, if present. */
    static Optional<SshAppSettings> read(ConfigNode app) {
        if (!app.has("ssh")) {
            return Optional.empty(); // write "ssh: {}" for the defaults
        }
        ConfigNode node = app.child("ssh");
        node.rejectUnknownKeys(KEYS);
        boolean local = true;
        List<String> plain = new ArrayList<>();
        List<GroupPrincipals> groups = new ArrayList<>();
        if (node.has("principals")) {
            if (node.isList("principals")) {
                local = false;
                for (ConfigNode item : node.list("principals")) {
                    if (item.isMapping()) {
                        item.rejectUnknownKeys(GROUP_KEYS);
                        String group = item.requireString("group");
                        List<String> names = item.stringList("principals");
                        if (names.isEmpty()) {
                            throw item.error("principals", "is empty (expected: at least one login name)");
                        }
                        names.forEach(n -> checkPrincipal(item, n));
                        groups.add(new GroupPrincipals(group, names));
                    } else {
                        String name = item.asString();
                        if (name.equals(EMAIL_LOCAL_PART)) {
                            local = true;
                        } else {
                            try {
                                Principals.check(name);
                            } catch (IllegalArgumentException e) {
                                throw item.error(e.getMessage());
                            }
                            plain.add(name);
                        }
                    }
                }
                if (!local && plain.isEmpty() && groups.isEmpty()) {
                    throw node.error("principals", "is empty (expected: email-local-part or a list of login names)");
                }
            } else {
                String value = node.requireString("principals");
                if (!value.equals(EMAIL_LOCAL_PART)) {
                    throw node.error("principals", "\"" + value + "\" is not a mode (expected: email-local-part, or a"
                            + " list such as [deploy] or [{group: admins, principals: [root]}])");
                }
            }
        }
        Set<SshPermission> permissions = DEFAULT_PERMISSIONS;
        if (node.has("permissions")) {
            Set<SshPermission> chosen = EnumSet.noneOf(SshPermission.class);
            for (ConfigNode item : node.list("permissions")) {
                String name = item.asString();
                SshPermission p = switch (name.toLowerCase(Locale.ROOT)) {
                    case "pty" -> SshPermission.PTY;
                    case "port-forwarding" -> SshPermission.PORT_FORWARDING;
                    case "agent-forwarding" -> SshPermission.AGENT_FORWARDING;
                    default -> throw item.error("unknown permission \"" + name
                            + "\" (expected one of: pty, port-forwarding, agent-forwarding)");
                };
                chosen.add(p);
            }
            permissions = chosen;
        }
        return Optional.of(new SshAppSettings(local, plain, groups, permissions));
    }

    private static void checkPrincipal(ConfigNode node, String name) {
        try {
            Principals.check(name);
        } catch (IllegalArgumentException e) {
            throw node.error("principals", e.getMessage());
        }
    }
}
