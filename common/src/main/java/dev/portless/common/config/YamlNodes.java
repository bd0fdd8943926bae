package dev.portless.common.config;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * What a configuration error says about a YAML node: its line, whether it was written without a value, its kind
 * in words, and the rule path of a key below it.
 */
final class YamlNodes {

    private YamlNodes() {}

    /** Returns the rule path of {@code key} under {@code parent}, e.g. {@code ingress[2].service}. */
    static String join(String parent, String key) {
        return parent.isEmpty() ? key : parent + '.' + key;
    }

    /** Returns the 1-based line where {@code node} starts. */
    static int lineOf(Node node) {
        return node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
    }

    /** Returns whether {@code node} was written without a value ({@code key:} or {@code key: ~}). */
    static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    /** Returns the kind of {@code node} in words, never its text, which may be a secret in the wrong place. */
    static String describe(Node node) {
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof MappingNode) {
            return "keys with values";
        }
        return isNull(node) ? "an empty value" : "a single value";
    }
}
