package dev.portless.connector.ingress;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.ConfigException;
import dev.portless.common.config.ConfigNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The connector's ingress rules in order: the first rule whose hostname (and, for web requests, path)
 * matches takes the stream, and the last rule is a catch-all without hostname, as in cloudflared:
 *
 * <pre>{@code
 * ingress:
 *   - hostname: ssh.example.com
 *     service: ssh://10.0.0.5
 *   - hostname: grafana.example.com
 *     path: ^/api/
 *     service: https://grafana.internal
 *     origin-request:
 *       ca-pool: internal-ca.pem
 *   - hostname: "*.db.example.com"
 *     service: tcp://db.internal:5432
 *     connect-timeout: 3s
 *   - hostname: jump.example.com
 *     service: bastion
 *     allow: [10.0.0.0/8:22, db.internal:5432]
 *   - service: http_status:404
 * }</pre>
 */
public final class IngressRules {

    /** How long dialing a target may take when a rule does not say. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private static final Duration MIN_CONNECT_TIMEOUT = Duration.ofMillis(1);
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofMinutes(5);
    private static final Set<String> RULE_KEYS = Set.of(
            "hostname",
            "path",
            "service",
            "connect-timeout",
            OriginRequest.KEY,
            "allow",
            "allow-loopback",
            "allow-link-local");
    private static final String CATCH_ALL_EXAMPLE = "e.g. \"- service: http_status:404\"";

    private final List<IngressRule> rules;

    private IngressRules(List<IngressRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * Returns the rules under the key {@code ingress} of a connector configuration.
     *
     * @throws ConfigException naming the file, line and rule of the first mistake
     */
    public static IngressRules from(ConfigNode connectorRoot) {
        requireNonNull(connectorRoot, "connectorRoot");
        final List<ConfigNode> items = connectorRoot.list("ingress");
        if (items.isEmpty()) {
            throw connectorRoot.error(
                    "ingress",
                    "at least one rule is required, and the last one must be a " + "catch-all without hostname, "
                            + CATCH_ALL_EXAMPLE);
        }
        final List<IngressRule> rules = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            final ConfigNode item = items.get(i);
            final IngressRule rule = rule(item);
            final boolean last = i == items.size() - 1;
            if (rule.isCatchAll() && !last) {
                throw item.error("a rule without hostname catches everything, so the rules after it never apply "
                        + "(give it a hostname or move it to the end)");
            }
            if (!rule.isCatchAll() && last) {
                throw item.error("the last rule must be a catch-all without hostname or path, " + CATCH_ALL_EXAMPLE);
            }
            for (int j = 0; j < rules.size(); j++) {
                if (rules.get(j).covers(rule)) {
                    throw item.error(
                            rule.hostnamePattern() == null ? "path" : "hostname",
                            "\"" + (rule.hostnamePattern() == null ? "any hostname" : rule.hostnamePattern())
                                    + (rule.path() == null
                                            ? ""
                                            : " with path " + rule.path().pattern())
                                    + "\" is already matched by ingress["
                                    + j + "] (line " + rules.get(j).line() + "), so this rule never applies "
                                    + "(remove it or move it above)");
                }
            }
            rules.add(rule);
        }
        return new IngressRules(rules);
    }

    /**
     * Returns rules built in code, with the same checks as {@link #from(ConfigNode)}.
     *
     * @throws IllegalArgumentException when the list is empty or the catch-all is missing or misplaced
     */
    public static IngressRules of(List<IngressRule> rules) {
        requireNonNull(rules, "rules");
        if (rules.isEmpty() || !rules.get(rules.size() - 1).isCatchAll()) {
            throw new IllegalArgumentException("rules: the last rule must be a catch-all without hostname");
        }
        for (int i = 0; i < rules.size() - 1; i++) {
            if (rules.get(i).isCatchAll()) {
                throw new IllegalArgumentException("rules: only the last rule may be a catch-all, not rule " + i);
            }
        }
        return new IngressRules(rules);
    }

    /**
     * Returns the first rule matching a TCP stream for {@code hostname}, passing rules with a path by; the
     * last rule is a catch-all, so there always is one.
     */
    public IngressRule match(String hostname) {
        for (IngressRule rule : rules) {
            if (rule.matches(hostname)) {
                return rule;
            }
        }
        throw new AssertionError("the last rule is a catch-all");
    }

    /**
     * Returns the first rule matching a web request for {@code hostname} and {@code requestPath} (without
     * the query); the last rule is a catch-all, so there always is one.
     */
    public IngressRule matchWeb(String hostname, String requestPath) {
        for (IngressRule rule : rules) {
            if (rule.matchesWeb(hostname, requestPath)) {
                return rule;
            }
        }
        throw new AssertionError("the last rule is a catch-all");
    }

    /** Returns the rules in order, the catch-all last. */
    public List<IngressRule> rules() {
        return rules;
    }

    @Override
    public String toString() {
        return "IngressRules" + rules;
    }

    private static IngressRule rule(ConfigNode item) {
        item.rejectUnknownKeys(RULE_KEYS);
        final Service service;
        final String serviceText = item.requireString("service");
        if (serviceText.equals(BastionService.NAME)) {
            service = BastionService.read(item);
        } else {
            try {
                service = Service.parse(serviceText);
            } catch (IllegalArgumentException e) {
                throw item.error("service", e.getMessage());
            }
            for (String key : BastionService.KEYS) {
                if (item.has(key)) {
                    throw item.error(key, "applies to bastion services only, not " + service);
                }
            }
        }
        final String hostname = item.optionalString("hostname").orElse(null);
        if (hostname != null) {
            try {
                IngressRule.normalizePattern(hostname);
            } catch (IllegalArgumentException e) {
                throw item.error("hostname", e.getMessage());
            }
        }
        final Pattern path =
                item.optionalString("path").map(text -> pathPattern(item, text)).orElse(null);
        if (path != null && (service instanceof TargetService || service instanceof BastionService)) {
            throw item.error(
                    "path",
                    "a path applies to web requests only, and " + service + " is a TCP service (remove the path, "
                            + "or use an http, https, unix, unix+tls or hello-world service)");
        }
        if (item.has(OriginRequest.KEY) && !(service instanceof OriginService)) {
            throw item.error(
                    OriginRequest.KEY,
                    "applies to http, https, unix and unix+tls services only, not " + service
                            + (service instanceof TargetService || service instanceof BastionService
                                    ? " (a TCP rule's dial timeout is connect-timeout)"
                                    : ""));
        }
        if (item.has("connect-timeout") && service instanceof WebService) {
            throw item.error(
                    "connect-timeout",
                    "a web origin's connect timeout is origin-request.connect-timeout (move it there)");
        }
        final Duration connectTimeout =
                item.duration("connect-timeout", DEFAULT_CONNECT_TIMEOUT, MIN_CONNECT_TIMEOUT, MAX_CONNECT_TIMEOUT);
        return new IngressRule(hostname, path, service, connectTimeout, OriginRequest.read(item, service), item.line());
    }

    private static Pattern pathPattern(ConfigNode item, String text) {
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw item.error(
                    "path",
                    "\"" + text + "\" is not a regular expression: " + e.getDescription()
                            + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "")
                            + " (expected: a Java regular expression such as ^/api/)");
        }
    }
}
