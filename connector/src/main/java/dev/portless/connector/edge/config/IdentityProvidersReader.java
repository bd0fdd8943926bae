package dev.portless.connector.edge.config;

import dev.portless.common.config.ConfigNode;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code identity-providers}: each item a {@code pin} or an {@code oidc} provider.
 */
final class IdentityProvidersReader {
    private static final Set<String> PIN_KEYS = Set.of("name", "type", "display-name", "smtp", "outbox");
    private static final Set<String> SMTP_KEYS =
            Set.of("host", "port", "security", "username", "password-file", "from");
    private static final Set<String> OIDC_KEYS = Set.of(
            "name", "type", "display-name", "issuer", "client-id", "client-secret-file", "scopes", "groups-claim");
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5b\\x5d-\\x7e]+");
    private static final Pattern CLAIM = Pattern.compile("[A-Za-z0-9_.:/-]{1,128}");
    private static final Pattern ADDRESS = Pattern.compile("(?:[^<>]*<)?[^@\\s<>]+@[^@\\s<>]+>?");

    private IdentityProvidersReader() {}

    static List<IdentityProviderEntry> read(ConfigNode root) {
        ConfigNames names = new ConfigNames("identity provider name");
        List<IdentityProviderEntry> providers = new ArrayList<>();
        boolean pinSeen = false;
        for (ConfigNode item : root.list("identity-providers")) {
            String type = item.requireString("type");
            IdentityProviderEntry provider = switch (type) {
                case "pin" -> pin(item);
                case "oidc" -> oidc(item);
                default ->
                    throw item.error(
                            "type", "unknown identity provider type \"" + type + "\" (expected one of: oidc, pin)");
            };
            names.requireUnique(item, "name", provider.name());
            if (provider instanceof PinProviderEntry) {
                if (pinSeen) {
                    throw item.error("type", "only one pin provider may be configured (remove one)");
                }
                pinSeen = true;
            }
            providers.add(provider);
        }
        return providers;
    }

    private static PinProviderEntry pin(ConfigNode item) {
        item.rejectUnknownKeys(PIN_KEYS);
        String name = ConfigNames.name(item, "name");
        String display = item.optionalString("display-name").orElse("E-mail code");
        if (item.has("smtp") == item.has("outbox")) {
            throw item.error("give exactly one of \"smtp\" (a mail server) and \"outbox\" (a directory, for "
                    + "development) to deliver PINs");
        }
        Optional<Path> outbox = item.optionalPath("outbox");
        Optional<SmtpSettings> smtp = item.optionalChild("smtp").map(IdentityProvidersReader::smtp);
        return new PinProviderEntry(name, display, smtp, outbox);
    }

    private static SmtpSettings smtp(ConfigNode smtp) {
        smtp.rejectUnknownKeys(SMTP_KEYS);
        String host = smtp.requireString("host");
        String securityText = smtp.optionalString("security").orElse("starttls").toLowerCase(Locale.ROOT);
        SmtpSettings.Security security = switch (securityText) {
            case "starttls" -> SmtpSettings.Security.STARTTLS;
            case "tls" -> SmtpSettings.Security.TLS;
            case "none" -> SmtpSettings.Security.NONE;
            default ->
                throw smtp.error(
                        "security", "unknown value \"" + securityText + "\" (expected one of: starttls, tls, none)");
        };
        int port = smtp.intValue("port", security == SmtpSettings.Security.TLS ? 465 : 587, 1, 65535);
        Optional<String> username = smtp.optionalString("username");
        if (username.isPresent() != smtp.has("password-file")) {
            throw smtp.error(
                    username.isPresent() ? "username" : "password-file",
                    "give both \"username\" and \"password-file\", or neither");
        }
        if (security == SmtpSettings.Security.NONE && !ConfigUrls.isLoopback(host)) {
            throw smtp.error(
                    "security",
                    "\"none\" sends mail in the clear; it is only allowed for a relay on "
                            + "this machine (use starttls or tls for " + host + ")");
        }
        Optional<Path> passwordFile = smtp.has("password-file")
                ? Optional.of(ConfigUrls.privateFile(smtp, "password-file"))
                : Optional.empty();
        String from = smtp.requireString("from");
        if (!ADDRESS.matcher(from).matches()) {
            throw smtp.error(
                    "from",
                    '"' + from + "\" is not a sender address (expected e.g. access@example.com "
                            + "or \"Portless <access@example.com>\")");
        }
        return new SmtpSettings(host, port, security, username, passwordFile, from);
    }

    private static OidcProviderEntry oidc(ConfigNode item) {
        item.rejectUnknownKeys(OIDC_KEYS);
        String name = ConfigNames.name(item, "name");
        String display = item.optionalString("display-name").orElse(name);
        URI issuer = ConfigUrls.httpsUrl(item, "issuer", true);
        String clientId = item.requireString("client-id");
        Path secretFile = ConfigUrls.privateFile(item, "client-secret-file");
        Set<String> scopes = new LinkedHashSet<>();
        scopes.add("openid");
        if (item.has("scopes")) {
            for (ConfigNode s : item.list("scopes")) {
                String scope = s.asString();
                if (!SCOPE.matcher(scope).matches()) {
                    throw s.error('"' + scope + "\" is not a scope (expected visible ASCII without spaces)");
                }
                scopes.add(scope);
            }
        } else {
            scopes.addAll(OidcProviderEntry.DEFAULT_SCOPES);
        }
        String groupsClaim = item.optionalString("groups-claim").orElse(OidcProviderEntry.DEFAULT_GROUPS_CLAIM);
        if (!CLAIM.matcher(groupsClaim).matches()) {
            throw item.error("groups-claim", '"' + groupsClaim + "\" is not a claim name");
        }
        return new OidcProviderEntry(name, display, issuer, clientId, secretFile, List.copyOf(scopes), groupsClaim);
    }
}
