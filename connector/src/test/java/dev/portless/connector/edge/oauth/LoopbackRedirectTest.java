package dev.portless.connector.edge.oauth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoopbackRedirectTest {
    @ParameterizedTest
    @ValueSource(
            strings = {"http://127.0.0.1:8400/callback", "http://127.0.0.1:1/callback", "http://[::1]:65535/callback"})
    void acceptsLoopbackLiteralsOnAnyPort(String uri) {
        assertTrue(LoopbackRedirect.parse(uri).isPresent(), uri);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://localhost:8400/callback",
                "https://127.0.0.1:8400/callback",
                "http://127.0.0.1/callback",
                "http://127.0.0.1:8400/",
                "http://127.0.0.1:8400/callback/x",
                "http://127.0.0.1:8400/Callback",
                "http://127.0.0.1:8400/callback?x=1",
                "http://127.0.0.1:8400/callback#f",
                "http://user@127.0.0.1:8400/callback",
                "http://127.0.0.2:8400/callback",
                "http://10.0.0.1:8400/callback",
                "http://127.0.0.1:8400@evil.example/callback",
                "http://evil.example/callback",
                "//127.0.0.1:8400/callback",
                "http://127.0.0.1:0/callback",
                "http://127.0.0.1:70000/callback",
                "http://[::ffff:127.0.0.1]:8400/callback",
                "http://127.1:8400/callback",
                "http://2130706433:8400/callback",
                "http://127.0.0.1:8400/%63allback",
                ""
            })
    void refusesEverythingElse(String uri) {
        assertFalse(LoopbackRedirect.parse(uri).isPresent(), uri);
    }
}
