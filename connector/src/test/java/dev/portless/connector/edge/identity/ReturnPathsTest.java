package dev.portless.connector.edge.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReturnPathsTest {
    @ParameterizedTest
    @ValueSource(strings = {"/", "/device?user_code=BCDF-GHJK", "/oauth/authorize?app=a.example.com&state=x%20y"})
    void keepsPathsOnTheEdge(String path) {
        assertEquals(path, ReturnPaths.sanitize(path));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://evil.example/",
                "//evil.example",
                "/\\evil.example",
                "\\\\evil.example",
                "/%2F%2Fevil.example",
                "javascript:alert(1)",
                "evil.example",
                "/a\r\nSet-Cookie: x=y",
                "/a b",
                "/#frag",
                "http:/evil.example",
                ""
            })
    void sendsEverythingElseHome(String path) {
        assertEquals("/", ReturnPaths.sanitize(path));
    }
}
