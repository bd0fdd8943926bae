package dev.portless.bridge.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void matchesAddressesInsideTheRangeOnly() {
        final Cidr range = Cidr.parse("10.0.0.0/8");
        assertTrue(range.contains(IpLiterals.parse("10.255.0.1")));
        assertFalse(range.contains(IpLiterals.parse("11.0.0.1")));
        assertTrue(range.contains(IpLiterals.parse("::ffff:10.0.0.1")), "IPv4-mapped IPv6 is IPv4 to the kernel");
        assertTrue(Cidr.parse("0.0.0.0/0").contains(IpLiterals.parse("203.0.113.9")));
        assertTrue(Cidr.parse("192.0.2.7").contains(IpLiterals.parse("192.0.2.7")));
        assertFalse(Cidr.parse("192.0.2.7").contains(IpLiterals.parse("192.0.2.8")));
        assertTrue(Cidr.parse("fd00::/8").contains(IpLiterals.parse("fd12:3456::1")));
        assertFalse(Cidr.parse("fd00::/8").contains(IpLiterals.parse("10.0.0.1")), "families never mix");
        assertTrue(Cidr.parse("10.1.2.0/23").contains(IpLiterals.parse("10.1.3.255")));
        assertFalse(Cidr.parse("10.1.2.0/23").contains(IpLiterals.parse("10.1.4.0")));
    }

    @Test
    void knowsItsFirstAndLastAddress() {
        assertEquals(IpLiterals.parse("169.254.0.0"), Cidr.parse("169.254.0.0/16").first());
        assertEquals(IpLiterals.parse("169.254.255.255"), Cidr.parse("169.254.0.0/16").last());
        assertEquals(IpLiterals.parse("fe80::"), Cidr.parse("fe80::/10").first());
        assertEquals(IpLiterals.parse("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), Cidr.parse("fe80::/10").last());
    }

    @Test
    void refusesTyposWithASentence() {
        assertEquals("\"10.0.0.1/8\" has host bits set (did you mean 10.0.0.0/8?)",
                     assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.1/8")).getMessage());
        assertEquals("\"10.0.0.0/33\" has an invalid prefix length (expected: 0..32)",
                     assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cidr.parse("db.internal/24")).getMessage()
                                                                                         .contains("is not an IP"));
    }

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
}
