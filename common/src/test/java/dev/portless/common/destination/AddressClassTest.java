package dev.portless.common.destination;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.common.net.IpLiterals;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressClassTest {

    @ParameterizedTest
    @CsvSource({
        "10.0.0.5, ORDINARY",
        "203.0.113.9, ORDINARY",
        "fd12::1, ORDINARY",
        "127.0.0.1, LOOPBACK",
        "127.200.1.1, LOOPBACK",
        "::1, LOOPBACK",
        "::ffff:127.0.0.1, LOOPBACK",
        "169.254.169.254, LINK_LOCAL",
        "169.254.0.1, LINK_LOCAL",
        "::ffff:169.254.169.254, LINK_LOCAL",
        "fe80::1, LINK_LOCAL",
        "fd00:ec2::254, LINK_LOCAL",
        "100.100.100.200, LINK_LOCAL",
        "64:ff9b::a9fe:a9fe, LINK_LOCAL",
        "64:ff9b::a00:5, ORDINARY",
        "0.0.0.0, NOT_A_HOST",
        "0.1.2.3, NOT_A_HOST",
        "::, NOT_A_HOST",
        "224.0.0.1, NOT_A_HOST",
        "ff02::1, NOT_A_HOST",
        "255.255.255.255, NOT_A_HOST",
        "::a9fe:a9fe, NOT_A_HOST",
    })
    void classifiesWhatABastionMustNotReachByAccident(String literal, AddressClass expected) {
        assertEquals(expected, AddressClass.of(IpLiterals.parse(literal)), literal);
    }
}
