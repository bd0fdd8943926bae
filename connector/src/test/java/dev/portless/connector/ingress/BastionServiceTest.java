package dev.portless.connector.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portless.common.config.ConfigException;
import dev.portless.common.config.ConfigNode;
import dev.portless.common.net.IpLiterals;
import org.junit.jupiter.api.Test;

class BastionServiceTest {

    private static BastionService bastion(String rest) {
        final IngressRules rules = IngressRules.from(ConfigNode.parse("connector.yml", """
                ingress:
                  - hostname: jump.example.com
                    service: bastion
                """ + rest + """
                  - service: http_status:404
                """));
        return (BastionService) rules.match("jump.example.com").service();
    }

    private static final String ALLOW = "    allow: [10.0.0.0/8:22, db.internal:5432, \"127.0.0.1:8080\"]\n";

    @Test
    void allowsListedRangeAndRefusesTheRest() {
        final BastionService b = bastion(ALLOW);
        final BastionDecision.Dial dial = assertInstanceOf(BastionDecision.Dial.class, b.check("10.1.2.3:22"));
        assertEquals(IpLiterals.parse("10.1.2.3"), dial.address());
        assertEquals(
                "10.1.2.3:23 is not in the bastion's allow-list",
                assertInstanceOf(BastionDecision.Refused.class, b.check("10.1.2.3:23"))
                        .reason());
        assertEquals(
                "192.168.1.1:22 is not in the bastion's allow-list",
                assertInstanceOf(BastionDecision.Refused.class, b.check("tcp://192.168.1.1:22"))
                        .reason());
    }

    @Test
    void refusesLoopbackAndMetadataUnlessListed() {
        final BastionService b = bastion(ALLOW);
        assertInstanceOf(BastionDecision.Dial.class, b.check("127.0.0.1:8080"));
        final BastionService wide = bastion("    allow: [\"0.0.0.0/0:*\"]\n");
        assertEquals(
                "127.0.0.1:22 is refused: 127.0.0.1 is a loopback address (a service on the host itself); "
                        + "list it in the policy (e.g. 127.0.0.1:PORT) or set allow-loopback: true",
                assertInstanceOf(BastionDecision.Refused.class, wide.check("127.0.0.1:22"))
                        .reason());
        assertInstanceOf(BastionDecision.Refused.class, wide.check("169.254.169.254:80"));
        assertInstanceOf(BastionDecision.Dial.class, wide.check("8.8.8.8:53"));
        final BastionService loopbackOn = bastion("    allow: [\"0.0.0.0/0:*\"]\n    allow-loopback: true\n");
        assertInstanceOf(BastionDecision.Dial.class, loopbackOn.check("127.0.0.1:22"));
    }

    @Test
    void namesAreResolvedThenTheAddressIsChecked() {
        final BastionService b = bastion(ALLOW);
        final BastionDecision.Resolve name =
                assertInstanceOf(BastionDecision.Resolve.class, b.check("DB.internal.:5432"));
        assertInstanceOf(BastionDecision.Dial.class, b.checkResolved(name, IpLiterals.parse("192.0.2.7")));
        assertEquals(
                "db.internal.:5432 is refused: it resolves to 169.254.169.254, which is a link-local or cloud "
                        + "metadata address (cloud metadata services answer there); list it in the policy "
                        + "explicitly or set allow-link-local: true",
                assertInstanceOf(
                                BastionDecision.Refused.class,
                                b.checkResolved(name, IpLiterals.parse("169.254.169.254")))
                        .reason()
                        .toLowerCase(java.util.Locale.ROOT));
        // A name no entry names, with ranges in the list: allowed only when it resolves into a range.
        final BastionDecision.Resolve other = assertInstanceOf(BastionDecision.Resolve.class, b.check("web:22"));
        assertInstanceOf(BastionDecision.Dial.class, b.checkResolved(other, IpLiterals.parse("10.9.9.9")));
        assertInstanceOf(BastionDecision.Refused.class, b.checkResolved(other, IpLiterals.parse("192.0.2.7")));
        assertInstanceOf(
                BastionDecision.Refused.class,
                bastion("    allow: [db.internal:5432]\n").check("web:22"));
    }

    @Test
    void malformedDestinationsAreRefusedWithoutEchoingThem() {
        assertEquals(
                "the jump destination is not host:port",
                assertInstanceOf(BastionDecision.Refused.class, bastion(ALLOW).check("evil\nline"))
                        .reason());
    }

    @Test
    void configErrorsNameTheLine() {
        assertEquals(
                "connector.yml:2: ingress[0].allow: a bastion needs at least one allowed destination, and refuses "
                        + "everything else (" + dev.portless.common.destination.AllowEntry.EXPECTED + ")",
                assertThrows(ConfigException.class, () -> bastion("")).getMessage());
        assertThrows(ConfigException.class, () -> bastion("    allow: [\"*:22\"]\n"));
        assertThrows(ConfigException.class, () -> bastion(ALLOW + "    allow-loopback: yes please\n"));
        final ConfigException misplaced =
                assertThrows(ConfigException.class, () -> IngressRules.from(ConfigNode.parse("connector.yml", """
                        ingress:
                          - hostname: a.example.com
                            service: tcp://a:1
                            allow: [10.0.0.0/8:22]
                          - service: http_status:404
                        """)));
        assertEquals(
                "connector.yml:4: ingress[0].allow: applies to bastion services only, not tcp://a:1",
                misplaced.getMessage());
    }
}
