package dev.portless.connector.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class ConfigRedactionTest {

    @Test
    void secretNamedKeysLoseTheirValuesAndKeepTheirShape() {
        String yaml = """
                identity-providers:
                  - name: corp
                    client-secret: s3cr3t-value
                    smtp-password: "hunter2"
                tunnels:
                  - name: tests
                    secret-sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
                  - token: abc
                """;

        assertEquals("""
                identity-providers:
                  - name: corp
                    client-secret: [redacted]
                    smtp-password: [redacted]
                tunnels:
                  - name: tests
                    secret-sha256: [redacted]
                  - token: [redacted]
                """, ConfigRedaction.redact(yaml));
    }

    @Test
    void filesThatHoldSecretsStayNamedSoSupportSeesWhereTheyAre() {
        String yaml = "client-secret-file: /etc/portless/oidc-secret\ncredentials-file: tunnel.json\n";

        assertEquals(yaml, ConfigRedaction.redact(yaml));
    }

    @Test
    void tokenLookingValuesAreRedactedWhateverTheirKey() {
        String jwt = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhQGIuYyJ9.c2lnbmF0dXJlLXBhcnQtaGVyZQ";
        String token = "eyJUdW5uZWxJRCI6ImE3YjYxZjA0LTk1NWMtNGRlZi04ZmE1LWI5NmI0ZDYxZGNiZCJ9";

        String redacted = ConfigRedaction.redact("note: " + jwt + "\nextra: " + token + "\n");

        assertEquals("note: [redacted]\nextra: [redacted]\n", redacted);
    }

    @Test
    void hostNamesPathsAndServicesStayReadable() {
        String yaml = """
                edge: edge-01.europe-west1.production.example.com:7844
                edge-ca: /etc/portless/ca.pem
                ingress:
                  - hostname: ssh.internal.example.com
                    service: ssh://10.0.0.5
                """;

        assertEquals(yaml, ConfigRedaction.redact(yaml));
    }

    @Test
    void privateKeyBlocksAreRemovedWhole() {
        String yaml = "key: |\n  -----BEGIN PRIVATE KEY-----\n  MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n"
                + "  -----END PRIVATE KEY-----\nname: x\n";

        String redacted = ConfigRedaction.redact(yaml);

        assertFalse(redacted.contains("MIGHAgEA"), redacted);
        assertFalse(redacted.contains("BEGIN"), redacted);
    }
}
