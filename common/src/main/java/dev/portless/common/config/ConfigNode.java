package dev.portless.common.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A read-only view of one node of a YAML configuration file that knows where it came from, so every
 * mistake becomes a {@link ConfigException} naming the file, the line and the rule path, e.g.
 * {@code edge.yml:3: tls.certficate: unknown key (expected one of: certificate, key)}.
 *
 * <p>Values are read as the text the user wrote: {@code port: 0800} stays {@code "0800"} and {@code name: no}
 * stays {@code "no"}, so YAML 1.1's implicit booleans and octals never surprise anyone. A key written without
 * a value ({@code key:} or {@code key: ~}) counts as absent.
 */
public final class ConfigNode {

    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?\\d{1,10}");

    private final String file;
    private final Path baseDir;
    private final String path;
    private final Node node;
    /** The entries of a mapping node by key, in file order; empty for lists and single values. */
    private final Map<String, NodeTuple> entries;

    private ConfigNode(String file, Path baseDir, String path, Node node) {
        this.file = file;
        this.baseDir = baseDir;
        this.path = path;
        this.node = node;
        if (node instanceof MappingNode) {
            final Map<String, NodeTuple> map = new LinkedHashMap<>();
            for (NodeTuple tuple : ((MappingNode) node).getValue()) {
                // ConfigDocument guarantees scalar, unique keys.
                map.put(((ScalarNode) tuple.getKeyNode()).getValue(), tuple);
            }
            entries = Collections.unmodifiableMap(map);
        } else {
            entries = Map.of();
        }
    }

    /**
     * Returns the top-level mapping of the YAML file {@code file}; relative paths in it resolve against the
     * file's directory.
     *
     * @throws ConfigException when the file is missing, unreadable, larger than 1 MiB or not valid YAML
     */
    public static ConfigNode load(Path file) {
        requireNonNull(file, "file");
        final String name = file.toString();
        final String text = ConfigDocument.read(file, name);
        return new ConfigNode(name, ConfigPaths.directoryOf(file), "", ConfigDocument.compose(name, text));
    }

    /**
     * Returns the top-level mapping of {@code yaml} as if read from a file named {@code fileName}; relative paths
     * in it resolve against that name's directory.
     *
     * @throws ConfigException when {@code yaml} is not valid YAML or not a mapping
     */
    public static ConfigNode parse(String fileName, String yaml) {
        requireNonNull(fileName, "fileName");
        requireNonNull(yaml, "yaml");
        return new ConfigNode(
                fileName, ConfigPaths.directoryOf(Path.of(fileName)), "", ConfigDocument.compose(fileName, yaml));
    }

    /** Returns the file name as the user gave it. */
    public String file() {
        return file;
    }

    /** Returns the directory relative paths resolve against: the configuration file's own. */
    public Path baseDir() {
        return baseDir;
    }

    /** Returns the rule path of this node, e.g. {@code ingress[2]}; empty for the top level. */
    public String path() {
        return path;
    }

    /** Returns the rule path of {@code key} under this node, e.g. {@code ingress[2].service}. */
    public String path(String key) {
        return YamlNodes.join(path, requireNonNull(key, "key"));
    }

    /** Returns the 1-based line where this node starts. */
    public int line() {
        return YamlNodes.lineOf(node);
    }

    /** Returns the 1-based line of {@code key}'s value, or of this node when {@code key} is absent. */
    public int line(String key) {
        final NodeTuple tuple = entries.get(requireNonNull(key, "key"));
        if (tuple == null) {
            return line();
        }
        // An empty value has no text of its own; the key's line is where the user looks.
        return YamlNodes.isNull(tuple.getValueNode())
                ? YamlNodes.lineOf(tuple.getKeyNode())
                : YamlNodes.lineOf(tuple.getValueNode());
    }

    /** Returns whether {@code key} is present with a value. */
    public boolean has(String key) {
        return value(key) != null;
    }

    /** Returns whether the value of {@code key} is a list. */
    public boolean isList(String key) {
        return value(key) instanceof SequenceNode;
    }

    /** Returns whether this node is a mapping (keys with values). */
    public boolean isMapping() {
        return node instanceof MappingNode;
    }

    /** Returns the keys of this mapping in file order. */
    public Set<String> keys() {
        mapping();
        return entries.keySet();
    }

    /** Returns the non-empty string value of {@code key}, or throws naming the missing key. */
    public String requireString(String key) {
        return scalarText(key, require(key), "a string");
    }

    /** Returns the non-empty string value of {@code key}, or empty when the key is absent. */
    public Optional<String> optionalString(String key) {
        final Node value = value(key);
        return value == null ? Optional.empty() : Optional.of(scalarText(key, value, "a string"));
    }

    /** Returns this node as a non-empty string, for the items of a list of names. */
    public String asString() {
        if (YamlNodes.isNull(node)) {
            throw error("has no value (expected: a string)");
        }
        if (!(node instanceof ScalarNode)) {
            throw error("expected a string, got " + YamlNodes.describe(node));
        }
        final String text = ((ScalarNode) node).getValue();
        if (text.isEmpty()) {
            throw error("must not be empty");
        }
        return text;
    }

    /** Returns the boolean value of {@code key} ({@code true} or {@code false}), or {@code dflt} when absent. */
    public boolean booleanValue(String key, boolean dflt) {
        final Node value = value(key);
        if (value == null) {
            return dflt;
        }
        final String text = scalarText(key, value, "true or false");
        switch (text) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw error(key, '"' + text + "\" is not a boolean (expected: true or false)");
        }
    }

    /** Returns the whole number value of {@code key} within {@code min..max}, or {@code dflt} when absent. */
    public int intValue(String key, int dflt, int min, int max) {
        final Node value = value(key);
        if (value == null) {
            return dflt;
        }
        final String expected = "(expected: " + min + ".." + max + ')';
        final String text = scalarText(key, value, "a whole number in " + min + ".." + max);
        if (!WHOLE_NUMBER.matcher(text).matches()) {
            throw error(key, '"' + text + "\" is not a whole number " + expected);
        }
        final long number = Long.parseLong(text);
        if (number < min || number > max) {
            throw error(key, number + " is out of range " + expected);
        }
        return (int) number;
    }

    /**
     * Returns the duration value of {@code key} ({@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}),
     * or {@code dflt} when absent.
     */
    public Duration duration(String key, Duration dflt) {
        requireNonNull(dflt, "dflt");
        final Node value = value(key);
        if (value == null) {
            return dflt;
        }
        final String text = scalarText(key, value, "a duration such as 10s");
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage());
        }
    }

    /** Returns the duration value of {@code key} within {@code min..max}, or {@code dflt} when absent. */
    public Duration duration(String key, Duration dflt, Duration min, Duration max) {
        requireNonNull(min, "min");
        requireNonNull(max, "max");
        final Duration duration = duration(key, dflt);
        if (has(key) && (duration.compareTo(min) < 0 || duration.compareTo(max) > 0)) {
            throw error(
                    key,
                    Durations.format(duration) + " is out of range (expected: " + Durations.format(min) + ".."
                            + Durations.format(max) + ')');
        }
        return duration;
    }

    /** Returns the items of the list under {@code key}, each with a path such as {@code ingress[0]}; empty if absent. */
    public List<ConfigNode> list(String key) {
        final Node value = value(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof SequenceNode)) {
            throw error(key, "expected a list, got " + YamlNodes.describe(value));
        }
        final String listPath = path(key);
        final List<Node> items = ((SequenceNode) value).getValue();
        final List<ConfigNode> result = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            result.add(new ConfigNode(file, baseDir, listPath + '[' + i + ']', items.get(i)));
        }
        return Collections.unmodifiableList(result);
    }

    /** Returns the non-empty strings of the list under {@code key}; empty when absent. */
    public List<String> stringList(String key) {
        final List<ConfigNode> items = list(key);
        final List<String> result = new ArrayList<>(items.size());
        for (ConfigNode item : items) {
            result.add(item.asString());
        }
        return Collections.unmodifiableList(result);
    }

    /** Returns the mapping under {@code key}, or throws naming the missing key. */
    public ConfigNode child(String key) {
        return childOf(key, require(key));
    }

    /** Returns the mapping under {@code key}, or empty when absent. */
    public Optional<ConfigNode> optionalChild(String key) {
        final Node value = value(key);
        return value == null ? Optional.empty() : Optional.of(childOf(key, value));
    }

    /**
     * Returns the path value of {@code key}, resolved against {@link #baseDir()} ({@code ~/} means the user's
     * home directory); empty when absent. The file need not exist.
     */
    public Optional<Path> optionalPath(String key) {
        return optionalString(key).map(text -> ConfigPaths.resolve(this, key, text));
    }

    /** Returns the resolved path value of {@code key}, or throws naming the missing key. */
    public Path requirePath(String key) {
        return ConfigPaths.resolve(this, key, requireString(key));
    }

    /** Returns the resolved path value of {@code key}, which must name a readable regular file. */
    public Path requireFile(String key) {
        return ConfigPaths.requireReadableFile(this, key, requirePath(key));
    }

    /** Returns the resolved path value of {@code key}, which must name a readable regular file; empty when absent. */
    public Optional<Path> optionalFile(String key) {
        return optionalPath(key).map(file -> ConfigPaths.requireReadableFile(this, key, file));
    }

    /** Throws naming the first key of this mapping, in file order, that is not in {@code known}. */
    public void rejectUnknownKeys(Set<String> known) {
        requireNonNull(known, "known");
        mapping();
        for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
            if (!known.contains(entry.getKey())) {
                throw new ConfigException(
                        file,
                        YamlNodes.lineOf(entry.getValue().getKeyNode()),
                        path(entry.getKey()),
                        "unknown key (expected one of: " + String.join(", ", new TreeSet<>(known)) + ')');
            }
        }
    }

    /** Returns an error about this node, for the caller to throw. */
    public ConfigException error(String problem) {
        return new ConfigException(file, line(), path, requireNonNull(problem, "problem"));
    }

    /** Returns an error about the value of {@code key}, on that value's line, for the caller to throw. */
    public ConfigException error(String key, String problem) {
        return new ConfigException(file, line(key), path(key), requireNonNull(problem, "problem"));
    }

    @Override
    public String toString() {
        return file + ':' + line() + (path.isEmpty() ? "" : ": " + path);
    }

    private ConfigNode childOf(String key, Node value) {
        if (!(value instanceof MappingNode)) {
            throw error(key, "expected keys with values (key: value), got " + YamlNodes.describe(value));
        }
        return new ConfigNode(file, baseDir, path(key), value);
    }

    private Node require(String key) {
        final Node value = value(key);
        if (value != null) {
            return value;
        }
        if (entries.containsKey(key)) {
            throw error(key, "has no value (write one after the colon)");
        }
        throw error("missing required key \"" + key + '"');
    }

    /** Returns the value of {@code key}, or {@code null} when absent or written without a value. */
    private Node value(String key) {
        requireNonNull(key, "key");
        mapping();
        final NodeTuple tuple = entries.get(key);
        return tuple == null || YamlNodes.isNull(tuple.getValueNode()) ? null : tuple.getValueNode();
    }

    private void mapping() {
        if (!(node instanceof MappingNode)) {
            throw error("expected keys with values (key: value), got " + YamlNodes.describe(node));
        }
    }

    private String scalarText(String key, Node value, String expected) {
        if (!(value instanceof ScalarNode)) {
            throw error(key, "expected " + expected + ", got " + YamlNodes.describe(value));
        }
        final String text = ((ScalarNode) value).getValue();
        if (text.isEmpty()) {
            throw error(key, "must not be empty (remove the key or give it a value)");
        }
        return text;
    }
}
