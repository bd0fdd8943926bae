package dev.portless.common.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions.FlowStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads one configuration file into a SnakeYAML node tree that {@link ConfigNode} can trust: a mapping at
 * the top, plain string keys, no key twice, no anchors or aliases.
 */
final class ConfigDocument {

    /** Configuration files are hand-written and small; anything larger is the wrong file or an attack. */
    static final int MAX_CHARS = 1024 * 1024;

    private static final int MAX_NESTING = 32;

    private ConfigDocument() {}

    /** Returns the text of {@code file}, or throws a file-level {@link ConfigException}. */
    static String read(Path file, String fileName) {
        final byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new ConfigException(fileName, "is a directory, not a configuration file (name the YAML file)");
            }
            if (Files.size(file) > MAX_CHARS) {
                throw new ConfigException(fileName, "file is larger than 1 MiB (check that this is the right file)");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(fileName, "file not found (check the path)", e);
        } catch (AccessDeniedException e) {
            throw new ConfigException(fileName, "permission denied (make the file readable by this user)", e);
        } catch (IOException e) {
            throw new ConfigException(fileName, "cannot read the file: " + e.getMessage(), e);
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(fileName, "file is not UTF-8 text (save it as UTF-8)", e);
        }
    }

    /** Returns the checked root mapping of {@code text}, or throws a {@link ConfigException}. */
    static MappingNode compose(String fileName, String text) {
        if (text.length() > MAX_CHARS) {
            throw new ConfigException(fileName, "file is larger than 1 MiB (check that this is the right file)");
        }
        final String yamlText = text.startsWith("\uFEFF") ? text.substring(1) : text;
        final Node root;
        try {
            root = newYaml().compose(new StringReader(yamlText));
        } catch (MarkedYAMLException e) {
            throw syntaxError(fileName, yamlText, e);
        } catch (YAMLException e) {
            throw new ConfigException(fileName, "not valid YAML: " + e.getMessage() + " (fix the file)", e);
        }
        if (root == null) {
            // An empty file is an empty mapping, so the caller reports the first missing key.
            return new MappingNode(Tag.MAP, List.of(), FlowStyle.BLOCK);
        }
        if (!(root instanceof MappingNode)) {
            throw new ConfigException(
                    fileName,
                    YamlNodes.lineOf(root),
                    "",
                    "expected keys with values at the top level (key: value), got " + YamlNodes.describe(root));
        }
        check(fileName, yamlText, root, "", Collections.newSetFromMap(new IdentityHashMap<>()));
        return (MappingNode) root;
    }

    private static Yaml newYaml() {
        final LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // reported by check() with both lines instead
        options.setMaxAliasesForCollections(10); // aliases are refused anyway; this bounds composing
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(MAX_CHARS + 1);
        options.setMergeOnCompose(false);
        return new Yaml(options);
    }

    private static ConfigException syntaxError(String fileName, String text, MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
        // A quote or bracket left open is only noticed at the end of the file: point at where it opened.
        if (e.getContextMark() != null
                && e.getContext() != null
                && mark != null
                && mark.getIndex() >= text.codePointCount(0, text.length())) {
            mark = e.getContextMark();
            problem = problem + " " + e.getContext();
        }
        if (mark == null) {
            return new ConfigException(fileName, "YAML syntax error: " + problem + " (fix the file)", e);
        }
        return new ConfigException(
                fileName,
                mark.getLine() + 1,
                "",
                "YAML syntax error at column " + (mark.getColumn() + 1) + ": " + problem
                        + " (check the indentation and quoting)",
                e);
    }

    /** Walks the tree in document order, so the first node seen twice is the first alias in the text. */
    private static void check(String fileName, String text, Node node, String path, Set<Node> seen) {
        if (!seen.add(node)) {
            throw new ConfigException(
                    fileName,
                    firstAliasLine(text, node),
                    path,
                    "YAML anchors and aliases (&name, *name) are not supported (write the value out in full)");
        }
        if (node instanceof SequenceNode) {
            final List<Node> items = ((SequenceNode) node).getValue();
            for (int i = 0; i < items.size(); i++) {
                check(fileName, text, items.get(i), path + '[' + i + ']', seen);
            }
        } else if (node instanceof MappingNode) {
            final Map<String, Node> keys = new HashMap<>();
            for (NodeTuple tuple : ((MappingNode) node).getValue()) {
                final Node keyNode = tuple.getKeyNode();
                if (!(keyNode instanceof ScalarNode) || keyNode.getTag().equals(Tag.NULL)) {
                    throw new ConfigException(
                            fileName,
                            YamlNodes.lineOf(keyNode),
                            path,
                            "keys must be plain names, got " + YamlNodes.describe(keyNode) + " as a key");
                }
                if (!seen.add(keyNode)) {
                    throw new ConfigException(
                            fileName,
                            firstAliasLine(text, keyNode),
                            path,
                            "YAML anchors and aliases (&name, *name) are not supported (write the value out in full)");
                }
                final String key = ((ScalarNode) keyNode).getValue();
                final String keyPath = YamlNodes.join(path, key);
                final Node previous = keys.putIfAbsent(key, keyNode);
                if (previous != null) {
                    throw new ConfigException(
                            fileName,
                            YamlNodes.lineOf(keyNode),
                            keyPath,
                            "duplicate key, first given on line " + YamlNodes.lineOf(previous)
                                    + " (remove one of the two)");
                }
                check(fileName, text, tuple.getValueNode(), keyPath, seen);
            }
        }
    }

    /** Returns the line of the first alias in {@code text}; only called when the tree shows one exists. */
    private static int firstAliasLine(String text, Node fallback) {
        for (Event event : newYaml().parse(new StringReader(text))) {
            if (event instanceof AliasEvent && event.getStartMark() != null) {
                return event.getStartMark().getLine() + 1;
            }
        }
        return YamlNodes.lineOf(fallback);
    }
}
