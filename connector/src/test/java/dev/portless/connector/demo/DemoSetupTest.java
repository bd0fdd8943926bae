package dev.portless.connector.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.edge.config.AppEntry;
import dev.portless.connector.edge.config.EdgeConfig;
import dev.portless.connector.edge.config.PinProviderEntry;
import dev.portless.connector.edge.policy.Identity;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoSetupTest {
    @TempDir
    Path home;

    @Test
    void theDemoEdgeLetsServiceTokensAndSignedInPeopleInWithCodesInTheOutbox() throws Exception {
        Path dir = home.resolve("demo");
        DemoSetup.DemoFiles files = DemoSetup.prepare(dir, 18443, 17844, 19000);

        EdgeConfig edge = EdgeConfig.load(files.edgeConfig());
        PinProviderEntry pin = (PinProviderEntry) edge.identityProviders().get(0);
        assertEquals(Optional.of(files.outbox()), pin.outbox().map(Path::toAbsolutePath));
        assertTrue(pin.smtp().isEmpty(), "the demo never mails anyone");

        InetAddress loopback = InetAddress.getLoopbackAddress();
        Identity person = Identity.user("email", "someone@example.com", Optional.of("someone@example.com"), List.of());
        for (AppEntry app : edge.apps()) {
            assertTrue(app.effectivePolicy().decide(person, loopback).allowed(), app.hostname());
            assertTrue(
                    app.effectivePolicy()
                            .decide(Identity.serviceToken(DemoSetup.TOKEN), loopback)
                            .allowed(),
                    app.hostname());
            assertFalse(
                    app.effectivePolicy()
                            .decide(Identity.serviceToken("other"), loopback)
                            .allowed(),
                    app.hostname());
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals(
                "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.serviceTokenSecret())));
    }
}
