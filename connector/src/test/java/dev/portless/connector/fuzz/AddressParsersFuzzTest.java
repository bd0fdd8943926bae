package dev.portless.connector.fuzz;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.portless.common.config.HostPort;
import dev.portless.common.net.IpLiterals;
import dev.portless.common.net.IpRange;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Mutated host:port, IP literal and CIDR texts: a sentence or a value that reads back the same, nothing else. */
class AddressParsersFuzzTest {

    @Test
    void mutatedAddressesParseConsistentlyOrExplain() throws IOException {
        final List<String> seeds = seeds();
        final Mutations mutations = Mutations.announce("AddressParsersFuzzTest");
        final int iterations = Mutations.iterations(20_000);
        for (int i = 0; i < iterations; i++) {
            final String input = mutations.mutate(seeds.get(mutations.nextInt(seeds.size())));
            final String replay = "seed " + mutations.seed() + ", iteration " + i + ", input \"" + input + '"';
            try {
                checkHostPort(input, replay);
                checkIpLiteral(input, replay);
                checkIpRange(input, replay);
            } catch (RuntimeException e) {
                fail("unexpected " + e + " for " + replay, e);
            }
        }
    }

    private static void checkHostPort(String input, String replay) {
        final HostPort parsed;
        try {
            parsed = HostPort.parse(input, 443);
        } catch (IllegalArgumentException e) {
            assertExplained(e, replay);
            return;
        }
        assertEquals(parsed, HostPort.parse(parsed.toString()), () -> "round trip of " + replay);
        assertFalse(parsed.host().isEmpty(), () -> "empty host from " + replay);
    }

    private static void checkIpLiteral(String input, String replay) {
        final InetAddress address = IpLiterals.parse(input);
        final String ambiguous = IpLiterals.ambiguousIpv4Problem(input);
        if (address != null) {
            assertEquals(address, IpLiterals.parse(IpLiterals.text(address)), () -> "round trip of " + replay);
        }
        if (ambiguous != null) {
            assertFalse(ambiguous.isBlank(), () -> "blank problem for " + replay);
        }
    }

    private static void checkIpRange(String input, String replay) {
        final IpRange range;
        try {
            range = IpRange.parse(input);
        } catch (IllegalArgumentException e) {
            assertExplained(e, replay);
            return;
        }
        assertEquals(range, IpRange.parse(range.toString()), () -> "round trip of " + replay);
        assertTrue(range.contains(range.first()) && range.contains(range.last()), () -> "bounds of " + replay);
    }

    private static void assertExplained(IllegalArgumentException e, String replay) {
        assertTrue(
                e.getMessage() != null && !e.getMessage().isBlank() && e.getCause() == null,
                () -> "unexplained " + e + " for " + replay);
    }

    private static List<String> seeds() throws IOException {
        try (InputStream in = AddressParsersFuzzTest.class.getResourceAsStream("/fuzz/addresses.txt")) {
            return new String(in.readAllBytes(), UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank())
                    .toList();
        }
    }
}
