package dev.portless.common.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class IpRangeTest {
    @Test
    void matchesIpv4Blocks() {
        IpRange r = IpRange.parse("10.0.0.0/8");
        assertTrue(r.contains(address("10.255.0.1")));
        assertFalse(r.contains(address("11.0.0.1")));
        assertFalse(r.contains(address("::1")));
        assertEquals("10.0.0.0/8", r.toString());
    }

    @Test
    void matchesOddPrefixes() {
        IpRange r = IpRange.parse("192.168.4.0/22");
        assertTrue(r.contains(address("192.168.7.255")));
        assertFalse(r.contains(address("192.168.8.0")));
        assertTrue(IpRange.parse("10.1.2.0/23").contains(IpLiterals.parse("10.1.3.255")));
        assertFalse(IpRange.parse("10.1.2.0/23").contains(IpLiterals.parse("10.1.4.0")));
    }

    @Test
    void aBareAddressIsItsOwnRange() {
        IpRange r = IpRange.parse("203.0.113.7");
        assertTrue(r.contains(address("203.0.113.7")));
        assertFalse(r.contains(address("203.0.113.8")));
        assertEquals("203.0.113.7/32", r.toString());
    }

    @Test
    void matchesIpv6AndTreatsMappedAddressesAsIpv4() {
        assertTrue(IpRange.parse("2001:db8::/32").contains(address("2001:db8:1::5")));
        assertFalse(IpRange.parse("2001:db8::/32").contains(address("2001:db9::5")));
        assertTrue(IpRange.parse("127.0.0.0/8").contains(address("::ffff:127.0.0.1")));
        assertTrue(
                IpRange.parse("10.0.0.0/8").contains(IpLiterals.parse("::ffff:10.0.0.1")),
                "IPv4-mapped IPv6 is IPv4 to the kernel");
        assertTrue(IpRange.parse("fd00::/8").contains(IpLiterals.parse("fd12:3456::1")));
        assertFalse(IpRange.parse("fd00::/8").contains(IpLiterals.parse("10.0.0.1")), "families never mix");
        assertEquals("2001:db8::/32", IpRange.parse("2001:0db8:0:0::/32").toString());
    }

    @Test
    void everythingIsInTheZeroPrefix() {
        assertTrue(IpRange.parse("0.0.0.0/0").contains(address("8.8.8.8")));
    }

    @Test
    void knowsItsFirstAndLastAddress() {
        assertEquals(
                IpLiterals.parse("169.254.0.0"), IpRange.parse("169.254.0.0/16").first());
        assertEquals(
                IpLiterals.parse("169.254.255.255"),
                IpRange.parse("169.254.0.0/16").last());
        assertEquals(IpLiterals.parse("fe80::"), IpRange.parse("fe80::/10").first());
        assertEquals(
                IpLiterals.parse("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
                IpRange.parse("fe80::/10").last());
        assertEquals(
                IpLiterals.parse("255.255.255.255"), IpRange.parse("0.0.0.0/0").last());
    }

    @Test
    void refusesNamesBadPrefixesAndHostBits() {
        assertEquals(
                "\"example.com\" is not an IP range (expected: CIDR such as 10.0.0.0/8 or 2001:db8::/32, "
                        + "or a single address)",
                assertThrows(IllegalArgumentException.class, () -> IpRange.parse("example.com"))
                        .getMessage());
        assertEquals(
                "\"10.0.0.0/33\" has an invalid prefix length (expected: 0..32)",
                assertThrows(IllegalArgumentException.class, () -> IpRange.parse("10.0.0.0/33"))
                        .getMessage());
        assertEquals(
                "\"10.1.2.3/8\" has host bits set (did you mean 10.0.0.0/8?)",
                assertThrows(IllegalArgumentException.class, () -> IpRange.parse("10.1.2.3/8"))
                        .getMessage());
        assertEquals(
                "\"10.0.0.1/8\" has host bits set (did you mean 10.0.0.0/8?)",
                assertThrows(IllegalArgumentException.class, () -> IpRange.parse("10.0.0.1/8"))
                        .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IpRange.parse("db.internal/24"))
                .getMessage()
                .contains("is not an IP"));
    }

    @Test
    void refusesWhatOnlyALooserParserWouldRead() {
        for (String text : new String[] {
            "10.1/16",
            "0x7f.0.0.1",
            "010.0.0.1",
            "fe80::1%eth0",
            "[::1]",
            "10.0.0.0/",
            "10.0.0.0/-1",
            "10.0.0.0/8/8",
            " 10.0.0.0/8",
            "::ffff:10.0.0.0/104"
        }) {
            assertThrows(IllegalArgumentException.class, () -> IpRange.parse(text), text);
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
