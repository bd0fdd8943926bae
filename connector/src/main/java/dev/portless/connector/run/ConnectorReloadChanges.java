package dev.portless.connector.run;

import dev.portless.connector.ingress.IngressRule;
import dev.portless.connector.reload.SettingChanges;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a reload of connector.yml changes: the ingress rules it applies, and the settings it keeps until a restart. */
final class ConnectorReloadChanges {
    private ConnectorReloadChanges() {}

    /** Returns the ingress rules added, removed or changed from {@code old} to {@code fresh}. */
    static List<String> ingress(ConnectorConfig old, ConnectorConfig fresh) {
        return new SettingChanges()
                .entries("ingress rules", byMatch(old), byMatch(fresh))
                .described();
    }

    /** Returns the names of the settings other than the ingress rules that differ from what the connector runs. */
    static List<String> restartOnly(ConnectorConfig running, ConnectorConfig fresh) {
        return new SettingChanges()
                .setting("edges", running.edges(), fresh.edges())
                .setting("ha-connections", running.connectionsPerEdge(), fresh.connectionsPerEdge())
                .setting("credentials-file", running.credentialsFile(), fresh.credentialsFile())
                .setting("edge-ca", running.edgeCaFile(), fresh.edgeCaFile())
                .setting("edge-server-name", running.edgeServerName(), fresh.edgeServerName())
                .setting("edge-dial-timeout", running.dialTimeout(), fresh.dialTimeout())
                .setting(
                        "retry",
                        List.of(running.retryInitial(), running.retryMax()),
                        List.of(fresh.retryInitial(), fresh.retryMax()))
                .setting("grace-period", running.gracePeriod(), fresh.gracePeriod())
                .setting("edge-issuer", running.edgeIssuer(), fresh.edgeIssuer())
                .setting("edge-jwks-url", running.edgeJwksUrl(), fresh.edgeJwksUrl())
                .setting("resume-detach-window", running.resumeDetachWindow(), fresh.resumeDetachWindow())
                .setting("edge-dns-server", running.edgeDnsServer(), fresh.edgeDnsServer())
                .setting("edge-dns-refresh", running.edgeDnsRefresh(), fresh.edgeDnsRefresh())
                .names();
    }

    /**
     * Returns the rules by what they match ("app.example.com", "app.example.com /api/.*", "the catch-all"),
     * each with what it does; of two rules that match the same, the first is the one that serves.
     */
    private static Map<String, String> byMatch(ConnectorConfig config) {
        Map<String, String> rules = new LinkedHashMap<>();
        for (IngressRule rule : config.ingress().rules()) {
            String match = rule.isCatchAll()
                    ? "the catch-all"
                    : (rule.hostnamePattern() == null ? "*" : rule.hostnamePattern())
                            + (rule.path() == null ? "" : " " + rule.path().pattern());
            rules.putIfAbsent(match, rule.service() + " " + rule.connectTimeout() + " " + rule.originRequest());
        }
        return rules;
    }
}
