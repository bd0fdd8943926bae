package dev.portless.access.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small parts of a sign-in: metadata, PKCE, browser commands and error sentences. */
class SignInPiecesTest {
    private static final String METADATA = "{\"issuer\":\"https://edge.example.com\","
            + "\"authorization_endpoint\":\"%s/oauth/authorize\",\"token_endpoint\":\"%s/oauth/token\"}";

    @Test
    void metadataEndpointsMustBeHttpsExceptOnThisMachine() throws Exception {
        AuthorizationServer s =
                AuthorizationServer.parse(METADATA.formatted("https://edge.example.com", "https://edge.example.com"));
        assertEquals(URI.create("https://edge.example.com/oauth/token"), s.tokenEndpoint());
        assertTrue(s.deviceAuthorizationEndpoint().isEmpty());
        AuthorizationServer.parse(METADATA.formatted("http://127.0.0.1:8080", "http://127.0.0.1:8080"));
        ParseException e = assertThrows(
                ParseException.class,
                () -> AuthorizationServer.parse(
                        METADATA.formatted("https://edge.example.com", "http://edge.example.com")));
        assertEquals(
                "token_endpoint: \"http://edge.example.com/oauth/token\" (expected: an https URL)", e.getMessage());
        assertThrows(ParseException.class, () -> AuthorizationServer.parse("{\"issuer\":\"x\"}"));
    }

    @Test
    void pkceIsS256OfTheVerifier() {
        PkceChallenge p = PkceChallenge.create();
        assertEquals(43, p.verifier().length());
        assertEquals(43, p.challenge().length());
        // RFC 7636 appendix B.
        assertEquals(
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                PkceChallenge.s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assertTrue(!p.toString().contains(p.verifier()) && !p.toString().contains(p.state()));
    }

    @Test
    void browserCommandsNeverGoThroughAShell() {
        String url = "https://edge/oauth/authorize?a=1&b=$(rm -rf ~)";
        assertEquals(List.of("xdg-open", url), new SystemBrowser(Map.of(), "Linux").command(url));
        assertEquals(List.of("open", url), new SystemBrowser(Map.of(), "Mac OS X").command(url));
        assertEquals(
                List.of("rundll32", "url.dll,FileProtocolHandler", url),
                new SystemBrowser(Map.of(), "Windows 11").command(url));
        assertEquals(
                List.of("firefox", "--new-tab", url),
                new SystemBrowser(Map.of("BROWSER", "firefox --new-tab"), "Linux").command(url));
        assertEquals(
                List.of("w3m", "-o", "x=" + url),
                new SystemBrowser(Map.of("BROWSER", "w3m -o x=%s"), "Linux").command(url));
    }

    @Test
    void errorSentences() {
        assertEquals(
                "The edge cannot reach its identity provider right now (upstream timed out); try again in a"
                        + " moment.",
                SignInErrors.sentence("temporarily_unavailable", "upstream timed out.", "a.example"));
        assertEquals(
                "The edge refused the sign-in to a.example (alice@example.com is not allowed to reach a.example);"
                        + " run `access login a.example` again, or ask the app's administrator for access.",
                SignInErrors.sentence(
                        "invalid_grant", "alice@example.com is not allowed to reach a.example.", "a.example"));
        assertEquals(
                "The edge refused the sign-in to a.example: invalid_client (bad\u0000 client).".replace("\u0000", " "),
                SignInErrors.sentence("invalid_client", "bad\u0000 client", "a.example"));
    }
}
