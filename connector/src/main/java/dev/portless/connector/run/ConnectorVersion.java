package dev.portless.connector.run;

/**
 * The version string the connector reports to the edge.
 */
final class ConnectorVersion {
    static final String VALUE = versionOf();

    private ConnectorVersion() {}

    private static String versionOf() {
        String v = ConnectorVersion.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
