package dev.portless.connector.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TLS from the connector's web proxy to an nginx origin: a private CA with the origin's server name, no
 * verification, and the refusals that name what to set (a name mismatch, an unknown CA).
 */
class OriginTlsNginxTest {
    @RegisterExtension
    static final NginxOrigins origins = new NginxOrigins();

    @Test
    void httpsWithAPrivateCaAndServerName() throws Exception {
        WebTunnel.Exchange x = origins.get("tls.example.com", "/echo");
        assertEquals("200", x.headers.get().status().toString());
        assertEquals("tls.example.com", NginxOrigins.field(x.body(), "host"));
    }

    @Test
    void httpsWithoutVerification() throws Exception {
        WebTunnel.Exchange x = origins.get("insecure.example.com", "/echo");
        assertEquals("200", x.headers.get().status().toString());
    }

    @Test
    void aNameMismatchNamesBothNames() throws Exception {
        String message = origins.assertRefused("mismatch.example.com", "/echo", "502", "origin_tls");
        assertEquals(
                "TLS with the origin https://127.0.0.1:" + origins.httpsPort()
                        + " failed: the origin's certificate is for "
                        + "internal.local, not 127.0.0.1; set origin-server-name or ca-pool.",
                message);
    }

    @Test
    void anUnknownCaSuggestsCaPool() throws Exception {
        String message = origins.assertRefused("unknown-ca.example.com", "/echo", "502", "origin_tls");
        assertTrue(message.contains("is not signed by a CA the connector trusts; set ca-pool"), message);
    }
}
