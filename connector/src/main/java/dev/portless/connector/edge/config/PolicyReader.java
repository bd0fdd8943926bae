package dev.portless.connector.edge.config;

import dev.portless.common.config.ConfigException;
import dev.portless.common.config.ConfigNode;
import dev.portless.common.net.IpRange;
import dev.portless.connector.edge.policy.RulePolicy;
import dev.portless.connector.edge.policy.Selector;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads an app's {@code policy}: three lists ({@code include}, {@code require}, {@code exclude}) whose
 * items each hold exactly one selector, or the word {@code bypass} for a public app.
 */
final class PolicyReader {
    /** The policy of a public app: no sign-in, no credentials. */
    static final String BYPASS = "bypass";

    private static final Set<String> KEYS = Set.of("include", "require", "exclude");
    private static final Set<String> SELECTORS =
            Set.of("emails", "email-domains", "groups", "ip-ranges", "service-tokens", "everyone");
    // Deliberately loose: the provider vouches for the address; this only catches obvious slips.
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final Set<String> serviceTokens;

    /** Returns a reader that checks service-token names against {@code serviceTokens}. */
    PolicyReader(Set<String> serviceTokens) {
        this.serviceTokens = serviceTokens;
    }

    /** Returns the policy under {@code app}'s {@code policy} key, or the empty policy when absent. */
    RulePolicy read(ConfigNode app) {
        if (!app.has("policy")) {
            return RulePolicy.EMPTY;
        }
        Optional<String> word = scalar(app);
        if (word.isPresent()) {
            if (!BYPASS.equals(word.get())) {
                throw app.error("policy", "expected include/require/exclude rules, or \"bypass\" for a public app");
            }
            return RulePolicy.BYPASS;
        }
        ConfigNode policy = app.child("policy");
        policy.rejectUnknownKeys(KEYS);
        return new RulePolicy(rules(policy, "include"), rules(policy, "require"), rules(policy, "exclude"));
    }

    /** Returns the policy's text when it is a single word rather than rules. */
    private static Optional<String> scalar(ConfigNode app) {
        try {
            return app.optionalString("policy");
        } catch (ConfigException notAWord) {
            return Optional.empty();
        }
    }

    private List<Selector> rules(ConfigNode policy, String key) {
        List<Selector> selectors = new ArrayList<>();
        for (ConfigNode item : policy.list(key)) {
            item.rejectUnknownKeys(SELECTORS);
            Set<String> keys = item.keys();
            if (keys.size() != 1) {
                throw item.error("expected exactly one selector per rule, got " + keys.size()
                        + " (write each selector as its own list item: \"- emails: [...]\")");
            }
            selectors.add(selector(item, keys.iterator().next()));
        }
        return selectors;
    }

    private Selector selector(ConfigNode item, String kind) {
        switch (kind) {
            case "everyone" -> {
                String v = item.requireString("everyone");
                if (!v.equals("true")) {
                    throw item.error("everyone", "expected true (remove the rule to stop letting everyone in)");
                }
                return new Selector.Everyone();
            }
            case "emails" -> {
                return new Selector.Emails(values(item, kind, text -> {
                    if (!EMAIL.matcher(text).matches()) {
                        return '"' + text + "\" is not an e-mail address";
                    }
                    return null;
                }));
            }
            case "email-domains" -> {
                return new Selector.EmailDomains(values(item, kind, text -> {
                    if (text.startsWith("@") || text.contains("*") || !text.contains(".")) {
                        return '"' + text + "\" is not a domain (expected: example.com, without @ or wildcard)";
                    }
                    return null;
                }));
            }
            case "groups" -> {
                return new Selector.Groups(values(item, kind, text -> null));
            }
            case "service-tokens" -> {
                return new Selector.ServiceTokens(values(
                        item,
                        kind,
                        text -> serviceTokens.contains(text)
                                ? null
                                : "unknown service token \"" + text + "\" (define it under \"service-tokens\" first)"));
            }
            default -> {
                List<IpRange> ranges = new ArrayList<>();
                for (ConfigNode v : item.list(kind)) {
                    try {
                        ranges.add(IpRange.parse(v.asString()));
                    } catch (IllegalArgumentException e) {
                        throw v.error(e.getMessage());
                    }
                }
                if (ranges.isEmpty()) {
                    throw item.error(kind, "the list is empty (give at least one value or remove the rule)");
                }
                return new Selector.IpRanges(ranges);
            }
        }
    }

    private interface Check {
        /** Returns what is wrong with {@code text}, or null. */
        String problem(String text);
    }

    private static Set<String> values(ConfigNode item, String kind, Check check) {
        Set<String> values = new LinkedHashSet<>();
        for (ConfigNode v : item.list(kind)) {
            String text = v.asString();
            String problem = check.problem(text);
            if (problem != null) {
                throw v.error(problem);
            }
            if (!values.add(kind.startsWith("email") ? text.toLowerCase(Locale.ROOT) : text)) {
                throw v.error('"' + text + "\" is listed twice (remove one)");
            }
        }
        if (values.isEmpty()) {
            throw item.error(kind, "the list is empty (give at least one value or remove the rule)");
        }
        return values;
    }
}
