package dev.portless.connector.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portless.common.config.ConfigException;
import dev.portless.common.config.ConfigNode;
import java.net.URI;
import org.junit.jupiter.api.Test;

class ConnectorTokenConfigTest {
    private static final String CATCH_ALL = "ingress:\n  - service: http_status:404\n";

    private static ConnectorConfig parse(String yaml) {
        return ConnectorConfig.from(ConfigNode.parse("connector.yml", yaml));
    }

    @Test
    void derivesTheIssuerFromTheFirstEdge() {
        ConnectorConfig c = parse("edges: [Edge.Example.com:7844, b.example.com:7844]\n" + CATCH_ALL);
        assertEquals(URI.create("https://edge.example.com"), c.edgeIssuer());
        assertEquals(URI.create("https://edge.example.com/.well-known/jwks.json"), c.edgeJwksUrl());
        assertEquals(
                URI.create("https://[::1]"),
                parse("edge: \"[::1]:7844\"\n" + CATCH_ALL).edgeIssuer());
    }

    @Test
    void readsTheIssuerAndJwksUrl() {
        ConnectorConfig c = parse("edge: 10.0.0.1:7844\nedge-issuer: https://edge.example.com:8443/\n" + CATCH_ALL);
        assertEquals(URI.create("https://edge.example.com:8443"), c.edgeIssuer());
        assertEquals(URI.create("https://edge.example.com:8443/.well-known/jwks.json"), c.edgeJwksUrl());
        c = parse("edge: 10.0.0.1:7844\nedge-issuer: https://edge.example.com\n"
                + "edge-jwks-url: https://10.0.0.1:8443/.well-known/jwks.json\n" + CATCH_ALL);
        assertEquals(URI.create("https://10.0.0.1:8443/.well-known/jwks.json"), c.edgeJwksUrl());
    }

    @Test
    void refusesPlainHttpOffLoopbackAndPathsInTheIssuer() {
        assertEquals(
                "connector.yml:2: edge-issuer: \"http://edge.example.com\" is not an https URL (expected e.g. "
                        + "https://edge.example.com; http only on 127.0.0.1, [::1] or localhost)",
                assertThrows(
                                ConfigException.class,
                                () -> parse("edge: a:1\nedge-issuer: http://edge.example.com\n" + CATCH_ALL))
                        .getMessage());
        assertEquals(
                "connector.yml:2: edge-issuer: \"https://edge.example.com/x\" must be only scheme, host and port "
                        + "(e.g. https://edge.example.com:8443)",
                assertThrows(
                                ConfigException.class,
                                () -> parse("edge: a:1\nedge-issuer: https://edge.example.com/x\n" + CATCH_ALL))
                        .getMessage());
        assertEquals(
                URI.create("http://127.0.0.1:8080"),
                parse("edge: a:1\nedge-issuer: http://127.0.0.1:8080\n" + CATCH_ALL)
                        .edgeIssuer());
    }
}
