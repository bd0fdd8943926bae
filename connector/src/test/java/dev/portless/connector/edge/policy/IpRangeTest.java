package dev.portless.connector.edge.policy;

import static dev.portless.connector.edge.policy.RulePolicyTest.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    }

    @Test
    void aBareAddressIsItsOwnRange() {
        IpRange r = IpRange.parse("203.0.113.7");
        assertTrue(r.contains(address("203.0.113.7")));
        assertFalse(r.contains(address("203.0.113.8")));
    }

    @Test
    void matchesIpv6AndTreatsMappedAddressesAsIpv4() {
        assertTrue(IpRange.parse("2001:db8::/32").contains(address("2001:db8:1::5")));
        assertFalse(IpRange.parse("2001:db8::/32").contains(address("2001:db9::5")));
        assertTrue(IpRange.parse("127.0.0.0/8").contains(address("::ffff:127.0.0.1")));
    }

    @Test
    void everythingIsInTheZeroPrefix() {
        assertTrue(IpRange.parse("0.0.0.0/0").contains(address("8.8.8.8")));
    }

    @Test
    void refusesNamesBadPrefixesAndHostBits() {
        assertEquals("\"example.com\" is not an IP range (expected: CIDR such as 10.0.0.0/8 or 2001:db8::/32, "
                + "or a single address)", assertThrows(IllegalArgumentException.class,
                () -> IpRange.parse("example.com")).getMessage());
        assertEquals("\"10.0.0.0/33\" has an invalid prefix length (expected: 0..32)",
                assertThrows(IllegalArgumentException.class, () -> IpRange.parse("10.0.0.0/33")).getMessage());
        assertEquals("\"10.1.2.3/8\" has bits set after the prefix (did you mean 10.0.0.0/8?)",
                assertThrows(IllegalArgumentException.class, () -> IpRange.parse("10.1.2.3/8")).getMessage());
    }
}
