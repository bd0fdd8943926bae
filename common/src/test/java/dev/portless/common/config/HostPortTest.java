package dev.portless.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HostPortTest {

    private static void assertRefused(String message, String text) {
        assertEquals(
                message,
                assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text))
                        .getMessage());
    }

    @Test
    void parsesNamesAndLiterals() {
        assertEquals(new HostPort("db.internal", 5432), HostPort.parse("db.internal:5432"));
        assertEquals(new HostPort("10.0.0.5", 22), HostPort.parse("10.0.0.5:22"));
        assertEquals(new HostPort("::1", 7844), HostPort.parse("[::1]:7844"));
        assertEquals(new HostPort("my_service", 80), HostPort.parse("my_service:80"));
        assertEquals(new HostPort("fe80::1:2", 22), HostPort.parse("[fe80::1:2]", 22));
        assertEquals(new HostPort("host", 3389), HostPort.parse("host", 3389));
    }

    @Test
    void printsIpv6InBrackets() {
        assertEquals("[::1]:7844", HostPort.parse("[::1]:7844").toString());
        assertEquals("a.b:1", HostPort.parse("a.b:1").toString());
    }

    @Test
    void refusesMistakes() {
        assertRefused("\"host\" has no port (expected: host:port)", "host");
        assertRefused("empty address (expected: host:port)", "");
        assertRefused(
                "\"0177.0.0.1\" is an ambiguous IPv4 address (leading zeros, octal, hex, a trailing dot or fewer than "
                        + "four parts are read differently by different tools); write four decimal numbers without "
                        + "leading zeros, such as 127.0.0.1",
                "0177.0.0.1:22");
        assertRefused("empty host (expected: a host name or IP address)", ":22");
        assertRefused("port 0 is out of range (expected: 1..65535)", "a:0");
        assertRefused("port 65536 is out of range (expected: 1..65535)", "a:65536");
        assertRefused("port \"ssh\" is not a number (expected: 1..65535)", "a:ssh");
        assertRefused("port \"\" is not a number (expected: 1..65535)", "a:");
        assertRefused("\"::1:22\": put IPv6 addresses in brackets (expected: [ipv6]:port, e.g. [::1]:5432)", "::1:22");
        assertRefused("\"[::1:22\" has no closing ']' (expected: [ipv6]:port, e.g. [::1]:5432)", "[::1:22");
        assertRefused("\"1::2::3\" is not a valid IPv6 address", "[1::2::3]:1");
        assertRefused("\"zz::1\" is not a valid host name (expected: letters, digits, '-' and '.')", "[zz::1]:1");
        assertRefused("\"[a.b]:1\": brackets are for IPv6 addresses only (write host:port without them)", "[a.b]:1");
        assertRefused("\"a b\" is not a valid host name (expected: letters, digits, '-' and '.')", "a b:1");
        assertRefused("\"a..b\" is not a valid host name (expected: letters, digits, '-' and '.')", "a..b:1");
        assertRefused("\"-a\" is not a valid host name (expected: letters, digits, '-' and '.')", "-a:1");
    }
}
