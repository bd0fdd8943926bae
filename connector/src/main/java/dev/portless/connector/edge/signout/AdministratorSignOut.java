package dev.portless.connector.edge.signout;

import static java.util.Objects.requireNonNull;

import dev.portless.common.admin.AdminAnswer;
import dev.portless.common.admin.AdminCommand;
import dev.portless.common.json.FlatJson;
import dev.portless.common.json.Json;
import dev.portless.connector.edge.identity.token.TokenRevocations;
import dev.portless.connector.edge.store.IdentitySignOut;
import dev.portless.connector.edge.store.StoreUnavailableException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin command {@code POST /revoke} that {@code connector revoke} sends: signs a person (by e-mail address or
 * subject) or a service token (by client id) out of one app or of every app. The sign-out goes to the edge's store,
 * so every edge sharing it refuses the identity's earlier tokens and browser sessions and ends its live streams.
 *
 * <p>Body: {@code {"user": "alice@example.com"}} or {@code {"service_token": "<client id>"}}, and optionally
 * {@code "app": "<hostname>"}.
 */
public final class AdministratorSignOut implements AdminCommand {
    /** Where the command is taken on the admin listener. */
    public static final String PATH = "/revoke";

    private static final Logger log = LoggerFactory.getLogger(AdministratorSignOut.class);

    private final TokenRevocations revocations;
    private final Set<String> apps;
    private final Function<String, Optional<String>> serviceTokenByClientId;
    private final Duration keep;

    /**
     * Returns the command of an edge that serves {@code apps}, knows service tokens' names by client id through
     * {@code serviceTokenByClientId}, and remembers a sign-out for {@code keep}: longer than any token or browser
     * session it refuses can live.
     */
    public AdministratorSignOut(
            TokenRevocations revocations,
            Set<String> apps,
            Function<String, Optional<String>> serviceTokenByClientId,
            Duration keep) {
        this.revocations = requireNonNull(revocations, "revocations");
        // A live view: a reload of edge.yml adds and removes apps.
        this.apps = requireNonNull(apps, "apps");
        this.serviceTokenByClientId = requireNonNull(serviceTokenByClientId, "serviceTokenByClientId");
        this.keep = requireNonNull(keep, "keep");
    }

    @Override
    public AdminAnswer run(String body) {
        Map<String, String> request;
        try {
            request = FlatJson.parse(body);
        } catch (IllegalArgumentException e) {
            return refusal(400, "the request is not a flat JSON object: " + e.getMessage());
        }
        String user = request.get("user");
        String clientId = request.get("service_token");
        String app = request.getOrDefault("app", "").toLowerCase(Locale.ROOT);
        if ((user == null) == (clientId == null)
                || !Set.of("user", "service_token", "app").containsAll(request.keySet())) {
            return refusal(400, "name exactly one of user or service_token, and optionally app");
        }
        if (!app.isEmpty() && !apps.contains(app)) {
            return refusal(404, "this edge has no app " + app + "; check --app against edge.yml");
        }
        String identity;
        String who;
        if (user != null) {
            if (user.isBlank()) {
                return refusal(400, "user is empty; name an e-mail address or an identity provider's subject");
            }
            String name = user.contains("@") ? user.strip().toLowerCase(Locale.ROOT) : user.strip();
            identity = TokenRevocations.userName(name);
            who = name;
        } else {
            Optional<String> name = serviceTokenByClientId.apply(clientId);
            if (name.isEmpty()) {
                return refusal(404, "no service token in edge.yml has the client id " + clientId);
            }
            identity = TokenRevocations.serviceTokenName(name.get());
            who = "service token " + name.get();
        }
        IdentitySignOut signOut;
        try {
            signOut = revocations.signOut(identity, app, keep);
        } catch (StoreUnavailableException e) {
            return refusal(503, e.getMessage());
        }
        log.info("An administrator signed {} out of {}", who, app.isEmpty() ? "every app" : app);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("identity", who);
        answer.put("app", app.isEmpty() ? "*" : app);
        answer.put("signed_out_at", signOut.at().toString());
        return new AdminAnswer(200, Json.write(answer) + "\n");
    }

    private static AdminAnswer refusal(int status, String sentence) {
        return new AdminAnswer(status, Json.write(Map.of("error", sentence)) + "\n");
    }
}
