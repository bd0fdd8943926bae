package dev.portless.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.peers.Commands;
import dev.portless.it.peers.Peers;
import dev.portless.it.peers.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The .deb of each program, built once by {@code scripts/deb}, installed with {@code apt install ./file.deb},
 * run from its installed path, then removed; with the binaries in place, {@code systemd-analyze verify}
 * checks deploy/systemd's units.
 */
class DebPackagesTest {
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(8);
    private static final Duration APT_TIMEOUT = Duration.ofMinutes(2);
    // Each package costs about a minute to build here; CI builds the connector's (the units start it) and
    // -Dportless.debs=all builds all three.
    private static final List<String> PROGRAMS = "all".equals(System.getProperty("portless.debs"))
            ? List.of("connector", "access", "ssh-bridge")
            : List.of("connector");

    @Test
    void eachPackageInstallsRunsFromOptAndRemoves() throws Exception {
        Peers.require(
                "jpackage, fakeroot and apt (Debian packages openjdk-17-jdk, fakeroot)",
                Peers.executable("/usr/bin/fakeroot") && Peers.executable("/usr/bin/apt"));
        Path dest = Files.createTempDirectory("portless-debs");
        // gzip at level 1: xz, dpkg-deb's default, takes minutes per package on two cores.
        List<String> command = new java.util.ArrayList<>(
                List.of(Podman.ROOT.resolve("scripts/deb").toString(), "--no-build", "--dest", dest.toString()));
        command.addAll(PROGRAMS);
        ProcessResult built = Commands.run(
                command, BUILD_TIMEOUT, Map.of("DPKG_DEB_COMPRESSOR_TYPE", "gzip", "DPKG_DEB_COMPRESSOR_LEVEL", "1"));
        assertEquals(0, built.exitCode(), built::toString);
        try {
            for (String program : PROGRAMS) {
                Path deb = dest.resolve("portless-" + program + "_0.1.0-1_amd64.deb");
                assertTrue(Files.isRegularFile(deb), built::toString);
                apt("install", "-y", "--no-install-recommends", deb.toString());
                Path launcher = Path.of("/opt/portless-" + program + "/bin/portless-" + program);
                ProcessResult version = Commands.run(List.of(launcher.toString(), "--version"), APT_TIMEOUT);
                assertEquals(0, version.exitCode(), version::toString);
                assertTrue(version.stdout().contains("0.1.0"), version::toString);
            }
            if (Peers.executable("/usr/bin/systemd-analyze")) {
                // A unit whose ExecStart is not installed fails verify, so only the installed programs' units.
                List<String> verifyCommand =
                        new java.util.ArrayList<>(List.of("systemd-analyze", "verify", "--man=no"));
                for (String unit : PROGRAMS.contains("ssh-bridge")
                        ? List.of("connector", "edge", "ssh-bridge")
                        : List.of("connector", "edge")) {
                    verifyCommand.add(Podman.ROOT
                            .resolve("deploy/systemd/portless-" + unit + ".service")
                            .toString());
                }
                ProcessResult verify = Commands.run(verifyCommand, APT_TIMEOUT);
                assertEquals(0, verify.exitCode(), verify::toString);
                assertEquals("", verify.stderr().strip(), verify::toString);
            }
        } finally {
            for (String program : PROGRAMS) {
                apt("remove", "-y", "portless-" + program);
            }
        }
        for (String program : PROGRAMS) {
            assertTrue(Files.notExists(Path.of("/opt/portless-" + program + "/bin")), program + " was not removed");
        }
    }

    private static void apt(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("apt-get", "-q"));
        command.addAll(List.of(args));
        ProcessResult r = Commands.run(command, APT_TIMEOUT, Map.of("DEBIAN_FRONTEND", "noninteractive"));
        assertEquals(0, r.exitCode(), r::toString);
    }
}
