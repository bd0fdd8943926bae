package dev.portless.access.forward;

import dev.portless.common.config.ConfigNode;
import dev.portless.common.config.HostPort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The forwards file of {@code access forward --config} (e.g. {@code ~/.portless/forwards.yml}):
 *
 * <pre>
 * forwards:
 *   - hostname: db.example.com
 *     listen: localhost:5432
 * </pre>
 *
 * Every mistake reads {@code <file>:<line>: <rule path>: <problem>}.
 */
public final class ForwardsFile {
    private static final Set<String> TOP_KEYS = Set.of("forwards");
    private static final Set<String> FORWARD_KEYS = Set.of("hostname", "listen");

    private ForwardsFile() {}

    /**
     * Returns the forwards of the YAML {@code text}, read from the file {@code fileName}.
     *
     * @throws dev.portless.common.config.ConfigException naming the file, line and key at fault
     */
    public static List<Forward> parse(String fileName, String text) {
        ConfigNode root = ConfigNode.parse(fileName, text);
        root.rejectUnknownKeys(TOP_KEYS);
        List<ConfigNode> items = root.list("forwards");
        if (items.isEmpty()) {
            throw root.error("forwards", "the list is empty (expected: at least one hostname and listen address)");
        }
        List<Forward> forwards = new ArrayList<>(items.size());
        Map<HostPort, ConfigNode> listeners = new HashMap<>();
        for (ConfigNode item : items) {
            item.rejectUnknownKeys(FORWARD_KEYS);
            String hostname = item.requireString("hostname");
            try {
                HostPort.checkHost(hostname);
            } catch (IllegalArgumentException e) {
                throw item.error("hostname", e.getMessage());
            }
            HostPort listen;
            try {
                listen = HostPort.parse(item.requireString("listen"));
            } catch (IllegalArgumentException e) {
                throw item.error("listen", e.getMessage());
            }
            ConfigNode earlier = listeners.put(listen, item);
            if (earlier != null) {
                throw item.error(
                        "listen",
                        listen + " is already the listen address of " + earlier.path() + " (line " + earlier.line()
                                + ")");
            }
            forwards.add(new Forward(hostname, listen));
        }
        return List.copyOf(forwards);
    }
}
