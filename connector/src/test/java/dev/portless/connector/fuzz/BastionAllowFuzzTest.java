package dev.portless.connector.fuzz;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.portless.common.config.HostPort;
import dev.portless.common.destination.AllowEntry;
import dev.portless.common.destination.SpecialAddresses;
import dev.portless.common.net.IpLiterals;
import dev.portless.common.net.IpRange;
import dev.portless.connector.ingress.BastionDecision;
import dev.portless.connector.ingress.BastionService;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Mutated bastion {@code allow:} entries and jump destinations: an entry parses (and parses again from its text)
 * or fails with a sentence, a check never throws, and a destination the bastion dials really lies inside an entry,
 * as worked out here apart from {@link AllowEntry}.
 */
class BastionAllowFuzzTest {

    @Test
    void mutatedEntriesAndDestinationsAllowOnlyWhatTheEntrySays() throws IOException {
        final List<String> entries = corpus("allow ");
        final List<String> destinations = corpus("destination ");
        final Mutations mutations = Mutations.announce("BastionAllowFuzzTest");
        final int iterations = Mutations.iterations(20_000);
        for (int i = 0; i < iterations; i++) {
            String entryText = entries.get(mutations.nextInt(entries.size()));
            String destination = destinations.get(mutations.nextInt(destinations.size()));
            // Mutate one side or both, so that unmutated partners still test what a mutation lets in.
            final int which = mutations.nextInt(3);
            entryText = which == 1 ? entryText : mutations.mutate(entryText);
            destination = which == 0 ? destination : mutations.mutate(destination);
            final String replay = "seed " + mutations.seed() + ", iteration " + i + ", allow \"" + entryText
                    + "\", destination \"" + destination + '"';
            try {
                check(entryText, destination, mutations, replay);
            } catch (RuntimeException e) {
                fail("unexpected " + e + " for " + replay, e);
            }
        }
    }

    private static void check(String entryText, String destination, Mutations mutations, String replay) {
        final AllowEntry entry;
        try {
            entry = AllowEntry.parse(entryText);
        } catch (IllegalArgumentException e) {
            assertTrue(
                    e.getMessage() != null && !e.getMessage().isBlank() && e.getCause() == null,
                    () -> "unexplained " + e + " for " + replay);
            return;
        }
        assertEquals(entryText, AllowEntry.parse(entry.toString()).toString(), () -> "round trip of " + replay);
        final BastionService bastion = new BastionService(List.of(entry), new SpecialAddresses(false, false));
        BastionDecision decision = bastion.check(destination);
        if (decision instanceof BastionDecision.Resolve resolve) {
            if (resolve.nameMatched()) {
                assertTrue(nameInside(entryText, resolve.destination()), () -> "name let in by " + replay);
            }
            // What a name resolves to is the client's choice too (its DNS): an address from the corpus.
            final InetAddress resolved = IpLiterals.parse(
                    mutations.pick("10.1.2.3", "127.0.0.1", "fd00::5", "192.168.1.5", "169.254.169.254", "8.8.8.8"));
            decision = bastion.checkResolved(resolve, resolved);
            if (decision instanceof BastionDecision.Dial dial && !resolve.nameMatched()) {
                assertTrue(addressInside(entryText, dial), () -> "resolved address let in by " + replay);
            }
        } else if (decision instanceof BastionDecision.Dial dial) {
            assertTrue(addressInside(entryText, dial), () -> "address let in by " + replay);
        }
        if (decision instanceof BastionDecision.Refused refused) {
            assertFalse(refused.reason().isBlank(), () -> "blank refusal for " + replay);
        } else if (decision instanceof BastionDecision.Dial dial) {
            assertTrue(portInside(entryText, dial.destination().port()), () -> "port let in by " + replay);
        }
    }

    /** Returns whether {@code destination}'s name is the entry's name or, for {@code *.}, a name below it. */
    private static boolean nameInside(String entryText, HostPort destination) {
        final String host = trimDot(destination.host().toLowerCase(Locale.ROOT));
        final String pattern = trimDot(hostPart(entryText).toLowerCase(Locale.ROOT));
        final boolean named = pattern.startsWith("*.")
                ? host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1
                : host.equals(pattern);
        return named && portInside(entryText, destination.port());
    }

    /** Returns whether the address dialed lies between the entry's first and last address, compared as numbers. */
    private static boolean addressInside(String entryText, BastionDecision.Dial dial) {
        final String host = hostPart(entryText);
        if (!host.contains("/") && IpLiterals.parse(host) == null) {
            return false;
        }
        final IpRange range = IpRange.parse(host);
        final byte[] address = plain(dial.address());
        final byte[] first = plain(range.first());
        final byte[] last = plain(range.last());
        if (address.length != first.length || address.length != last.length) {
            return false;
        }
        final BigInteger value = new BigInteger(1, address);
        return value.compareTo(new BigInteger(1, first)) >= 0 && value.compareTo(new BigInteger(1, last)) <= 0;
    }

    private static boolean portInside(String entryText, int port) {
        final String ports = entryText.substring(entryText.lastIndexOf(':') + 1);
        if (ports.equals("*")) {
            return port >= 1 && port <= 65535;
        }
        final String[] bounds = ports.split("-", -1);
        return port >= Integer.parseInt(bounds[0]) && port <= Integer.parseInt(bounds[bounds.length - 1]);
    }

    private static String hostPart(String entryText) {
        if (entryText.startsWith("[")) {
            return entryText.substring(1, entryText.indexOf(']'));
        }
        return entryText.substring(0, entryText.lastIndexOf(':'));
    }

    /** Returns the address's bytes, an IPv4-mapped IPv6 address as its four IPv4 bytes. */
    private static byte[] plain(InetAddress address) {
        final byte[] bytes = address.getAddress();
        final boolean mapped = bytes.length == 16
                && Arrays.equals(bytes, 0, 10, new byte[10], 0, 10)
                && bytes[10] == (byte) 0xff
                && bytes[11] == (byte) 0xff;
        return mapped ? Arrays.copyOfRange(bytes, 12, 16) : bytes;
    }

    private static String trimDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static List<String> corpus(String kind) throws IOException {
        try (InputStream in = BastionAllowFuzzTest.class.getResourceAsStream("/fuzz/bastion.txt")) {
            return new String(in.readAllBytes(), UTF_8)
                    .lines()
                    .filter(l -> l.startsWith(kind))
                    .map(l -> l.substring(kind.length()))
                    .toList();
        }
    }
}
