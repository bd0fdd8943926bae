package dev.portless.bridge.audit;

import static java.util.Objects.requireNonNull;

import dev.portless.common.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One flat JSON object on one line, built field by field in a fixed order, for the audit log. The shared JSON
 * writer escapes strings so that no value can break out of its field or its line.
 */
final class JsonLine {

    private final Map<String, Object> fields = new LinkedHashMap<>();

    JsonLine put(String name, String value) {
        fields.put(requireNonNull(name, "name"), value);
        return this;
    }

    JsonLine put(String name, long value) {
        fields.put(requireNonNull(name, "name"), value);
        return this;
    }

    JsonLine put(String name, List<String> values) {
        fields.put(requireNonNull(name, "name"), List.copyOf(values));
        return this;
    }

    @Override
    public String toString() {
        return Json.write(fields);
    }
}
