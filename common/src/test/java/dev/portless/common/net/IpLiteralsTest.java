package dev.portless.common.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class IpLiteralsTest {

    @Test
    void literalsNeverResolveNames() {
        assertNull(IpLiterals.parse("localhost"));
        assertNull(IpLiterals.parse("10.1"), "the JDK would read this as 10.0.0.1");
        assertNull(IpLiterals.parse("0x7f.0.0.1"));
        assertNull(IpLiterals.parse("fe80::1%eth0"));
        assertEquals("[::1]", IpLiterals.hostText(IpLiterals.parse("::1")));
        assertEquals("fd00:ec2::254", IpLiterals.text(IpLiterals.parse("fd00:0ec2:0:0:0:0:0:254")));
        assertEquals("::", IpLiterals.text(IpLiterals.parse("0:0:0:0:0:0:0:0")));
        assertEquals("1:0:0:2::3", IpLiterals.text(IpLiterals.parse("1:0:0:2:0:0:0:3")));
        assertEquals("2001:db8::1:0:0:1", IpLiterals.text(IpLiterals.parse("2001:db8:0:0:1:0:0:1")));
        assertEquals("fe80::", IpLiterals.text(IpLiterals.parse("fe80::")));
        assertEquals("10.0.0.1", IpLiterals.text(IpLiterals.parse("10.0.0.1")));
    }

    @Test
    void namesWhoseLastLabelIsANumberAreAmbiguousIpv4() {
        for (String text :
                List.of("0177.0.0.1", "0x7f.0.0.1", "127.0.0.0x1", "127.1", "1", "0x7f000001", "10.0.0.1.")) {
            assertNotNull(IpLiterals.ambiguousIpv4Problem(text), text);
        }
        for (String text : List.of("127.0.0.1", "db.internal", "host-1", "1.example", "0.0.0.0", "::1", "a.b1")) {
            assertNull(IpLiterals.ambiguousIpv4Problem(text), text);
        }
    }
}
