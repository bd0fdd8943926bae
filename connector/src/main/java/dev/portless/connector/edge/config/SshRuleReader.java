package dev.portless.connector.edge.config;

import dev.portless.common.config.ConfigNode;
import dev.portless.connector.edge.sshca.Principals;
import dev.portless.connector.edge.sshca.SshPermission;
import dev.portless.connector.edge.sshca.SshRule;
import dev.portless.connector.edge.sshca.SshRule.GroupPrincipals;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The reader of one app's SSH certificate rule, under the app's {@code ssh} key:
 *
 * <pre>{@code
 *   ssh:
 *     principals: email-local-part     # default: ada@example.com gets "ada"
 *     # or an explicit list, optionally per group:
 *     # principals: [deploy, {group: admins, principals: [root]}]
 *     permissions: [pty, port-forwarding]   # default; also agent-forwarding
 * }</pre>
 */
final class SshRuleReader {
    /** The value of {@code principals} that maps the email's local part. */
    static final String EMAIL_LOCAL_PART = "email-local-part";

    private static final Set<String> KEYS = Set.of("principals", "permissions");
    private static final Set<String> GROUP_KEYS = Set.of("group", "principals");

    private SshRuleReader() {}

    /** Returns the {@code ssh} section of an app item, if present. */
    static Optional<SshRule> read(ConfigNode app) {
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
                    throw node.error(
                            "principals",
                            "\"" + value + "\" is not a mode (expected: email-local-part, or a"
                                    + " list such as [deploy] or [{group: admins, principals: [root]}])");
                }
            }
        }
        Set<SshPermission> permissions = SshRule.DEFAULT_PERMISSIONS;
        if (node.has("permissions")) {
            Set<SshPermission> chosen = EnumSet.noneOf(SshPermission.class);
            for (ConfigNode item : node.list("permissions")) {
                String name = item.asString();
                SshPermission p = switch (name.toLowerCase(Locale.ROOT)) {
                    case "pty" -> SshPermission.PTY;
                    case "port-forwarding" -> SshPermission.PORT_FORWARDING;
                    case "agent-forwarding" -> SshPermission.AGENT_FORWARDING;
                    default ->
                        throw item.error("unknown permission \"" + name
                                + "\" (expected one of: pty, port-forwarding, agent-forwarding)");
                };
                chosen.add(p);
            }
            permissions = chosen;
        }
        return Optional.of(new SshRule(local, plain, groups, permissions));
    }

    private static void checkPrincipal(ConfigNode node, String name) {
        try {
            Principals.check(name);
        } catch (IllegalArgumentException e) {
            throw node.error("principals", e.getMessage());
        }
    }
}
