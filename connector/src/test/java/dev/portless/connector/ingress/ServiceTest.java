package dev.portless.connector.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ServiceTest {

    private static void assertRefused(String message, String text) {
        assertEquals(
                message,
                assertThrows(IllegalArgumentException.class, () -> Service.parse(text))
                        .getMessage());
    }

    @Test
    void targetsWithDefaultPorts() {
        assertEquals(new TargetService("ssh", "10.0.0.5", 22), Service.parse("ssh://10.0.0.5"));
        assertEquals(new TargetService("rdp", "win.internal", 3389), Service.parse("rdp://win.internal"));
        assertEquals(new TargetService("smb", "files", 445), Service.parse("smb://files"));
        assertEquals(new TargetService("ssh", "host", 2222), Service.parse("ssh://host:2222"));
        assertEquals(new TargetService("tcp", "db.internal", 5432), Service.parse("TCP://db.internal:5432"));
    }

    @Test
    void ipv6Literals() {
        final TargetService target = (TargetService) Service.parse("tcp://[::1]:5432");
        assertEquals("::1", target.host());
        assertEquals(5432, target.port());
        assertEquals("tcp://[::1]:5432", target.toString());
        assertEquals(new TargetService("ssh", "2001:db8::7", 22), Service.parse("ssh://[2001:db8::7]"));
    }

    @Test
    void statusService() {
        assertEquals(new StatusService(404), Service.parse("http_status:404"));
        assertEquals("http_status:503", Service.parse("http_status:503").toString());
        assertRefused("http_status:600 is out of range (expected: 100..599)", "http_status:600");
        assertRefused(
                "\"http_status:40\" is not a status (expected: http_status:NNN, e.g. http_status:404)",
                "http_status:40");
        assertRefused(
                "\"http_status:abc\" is not a status (expected: http_status:NNN, e.g. http_status:404)",
                "http_status:abc");
    }

    @Test
    void refusesUnknownSchemes() {
        assertRefused(
                "unknown scheme \"ftp\" (expected: "
                        + "tcp, ssh, rdp, smb, http, https, unix, unix+tls, hello-world, bastion, http_status)",
                "ftp://a:21");
        assertRefused(
                "\"localhost\" has no scheme (expected: tcp://host:port, ssh://host[:port], "
                        + "rdp://host[:port], smb://host[:port], http://host[:port], https://host[:port], "
                        + "unix:/path, unix+tls:/path, hello-world or http_status:NNN)",
                "localhost");
        assertRefused("\"tcp:host:22\" lacks \"//\" after the scheme (expected: tcp://host:port)", "tcp:host:22");
    }

    @Test
    void refusesMalformedTargets() {
        assertRefused("\"tcp://db\": \"db\" has no port (expected: tcp://host:port)", "tcp://db");
        assertRefused(
                "\"ssh://host/path\" has a path, query or fragment (expected: ssh://host[:port])", "ssh://host/path");
        assertRefused(
                "\"tcp://host:1?x=1\" has a path, query or fragment (expected: tcp://host:port)", "tcp://host:1?x=1");
        assertRefused(
                "\"ssh://root@host\" has a user name (expected: ssh://host[:port]; "
                        + "the user signs in through the edge)",
                "ssh://root@host");
        assertRefused("\"tcp://db:0\": port 0 is out of range (expected: 1..65535)", "tcp://db:0");
        assertRefused("\"tcp://db:70000\": port 70000 is out of range (expected: 1..65535)", "tcp://db:70000");
        assertRefused("\"ssh://\": empty address (expected: ssh://host[:port])", "ssh://");
        assertRefused("\"tcp://:22\": empty host (expected: a host name or IP address)", "tcp://:22");
        assertRefused(
                "\"tcp://::1:22\": \"::1:22\": put IPv6 addresses in brackets "
                        + "(expected: [ipv6]:port, e.g. [::1]:5432)",
                "tcp://::1:22");
    }
}
