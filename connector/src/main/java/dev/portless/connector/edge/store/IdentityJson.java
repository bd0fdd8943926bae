package dev.portless.connector.edge.store;

import dev.portless.common.json.Json;
import dev.portless.connector.edge.policy.Identity;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The JSON form of an {@link Identity} as the shared store keeps it. */
public final class IdentityJson {
    private IdentityJson() {}

    /** Returns {@code identity} as a JSON object's fields. */
    public static Map<String, Object> fields(Identity identity) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sub", identity.subject());
        identity.email().ifPresent(e -> m.put("email", e));
        m.put("groups", identity.groups());
        identity.serviceToken().ifPresent(t -> m.put("service_token", t));
        m.put("provider", identity.provider());
        return m;
    }

    /** Returns {@code identity} as JSON text. */
    static String write(Identity identity) {
        return Json.write(fields(identity));
    }

    /** Returns the identity in {@code fields}. */
    public static Identity read(Map<String, ?> fields) throws ParseException {
        List<String> groups = new ArrayList<>();
        if (fields.get("groups") instanceof List<?> list) {
            for (Object g : list) {
                groups.add(String.valueOf(g));
            }
        }
        return new Identity(
                Json.string(fields, "sub"),
                Optional.ofNullable((String) fields.get("email")),
                groups,
                Optional.ofNullable((String) fields.get("service_token")),
                Json.string(fields, "provider"));
    }

    /** Returns the identity in the JSON text {@code json}. */
    static Identity read(String json) throws ParseException {
        return read(Json.readObject(json));
    }
}
