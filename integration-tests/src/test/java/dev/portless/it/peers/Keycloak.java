package dev.portless.it.peers;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real Keycloak ({@value #VERSION}, the Quarkus distribution from Maven Central) on 127.0.0.1 in
 * development mode with an in-memory database and one imported realm. The zip is fetched into the
 * local Maven repository with {@code mvn dependency:get} when missing and unpacked once into
 * {@code ~/.cache/portless} (or {@code $PORTLESS_CACHE}); a cold start takes a minute or more.
 */
public final class Keycloak implements AutoCloseable {
    /** The Keycloak version the tests run. */
    public static final String VERSION = "26.7.3";

    private static final String ARTIFACT = "org.keycloak:keycloak-quarkus-dist:" + VERSION + ":zip";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(10);

    private final Process process;
    private final int port;
    private final String realm;
    private final Path log;

    private Keycloak(Process process, int port, String realm, Path log) {
        this.process = process;
        this.port = port;
        this.realm = realm;
        this.log = log;
    }

    /**
     * Returns a started Keycloak that imported {@code realmJson} (a realm named {@code realm}). Skips the
     * test (fails it on CI) when Keycloak cannot be fetched.
     */
    public static Keycloak start(String realm, String realmJson) {
        requireNonNull(realmJson, "realmJson");
        Path home = install();
        int port = FreePorts.next();
        try {
            Path imports = Files.createDirectories(home.resolve("data/import"));
            try (var old = Files.list(imports)) {
                for (Path f : old.toList()) {
                    Files.delete(f);
                }
            }
            Files.writeString(imports.resolve(realm + "-realm.json"), realmJson);
            Path log = Files.createTempFile("keycloak", ".log");
            ProcessBuilder b = new ProcessBuilder(
                            home.resolve("bin/kc.sh").toString(),
                            "start-dev",
                            "--http-host=127.0.0.1",
                            "--http-port=" + port,
                            "--import-realm",
                            "--db=dev-mem")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            b.environment().put("JAVA_HOME", System.getProperty("java.home"));
            b.environment().put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx768m");
            Keycloak kc = new Keycloak(b.start(), port, realm, log);
            kc.awaitReady();
            return kc;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Keycloak from " + home, e);
        }
    }

    /** Returns the realm's issuer URL. */
    public String issuer() {
        return "http://127.0.0.1:" + port + "/realms/" + realm;
    }

    private void awaitReady() {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("Keycloak exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                HttpResponse<Void> r = http.send(
                        HttpRequest.newBuilder(URI.create(issuer() + "/.well-known/openid-configuration"))
                                .timeout(Duration.ofSeconds(5))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for Keycloak", e);
            }
            sleep(1000);
        }
        close();
        throw new AssertionError("Keycloak did not serve realm " + realm + " within " + START_TIMEOUT + ":\n" + tail());
    }

    /** Returns the last lines of Keycloak's log. */
    public String tail() {
        String text = Commands.read(log);
        return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    }

    /** Returns the installed distribution, fetching and unpacking it first if needed. */
    static Path install() {
        String cache = System.getenv("PORTLESS_CACHE");
        Path root = cache != null && !cache.isBlank()
                ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "portless");
        Path home = root.resolve("keycloak-" + VERSION);
        if (Peers.executable(home.resolve("bin/kc.sh").toString())) {
            return home;
        }
        Path zip = Path.of(
                System.getProperty("user.home"),
                ".m2",
                "repository",
                "org",
                "keycloak",
                "keycloak-quarkus-dist",
                VERSION,
                "keycloak-quarkus-dist-" + VERSION + ".zip");
        if (!Files.isRegularFile(zip)) {
            ProcessResult fetched = Commands.run(
                    List.of(
                            "mvn",
                            "-q",
                            "-B",
                            "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get",
                            "-Dartifact=" + ARTIFACT,
                            "-Dtransitive=false"),
                    Duration.ofMinutes(20),
                    Map.of());
            Peers.require(
                    "Keycloak " + VERSION + " (fetched from Maven Central: "
                            + fetched.stdout().strip() + fetched.stderr().strip() + ")",
                    fetched.exitCode() == 0 && Files.isRegularFile(zip));
        }
        Peers.require("unzip (Debian package unzip)", Peers.executable("/usr/bin/unzip"));
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Commands.run(
                        List.of("/usr/bin/unzip", "-q", "-o", zip.toString(), "-d", root.toString()),
                        Duration.ofMinutes(5))
                .assertSuccess();
        return home;
    }

    @Override
    public void close() {
        ProcessTermination.terminate(process);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
