package dev.portless.access.doctor;

import static java.util.Objects.requireNonNull;

import dev.portless.access.edge.EdgeEndpoint;
import dev.portless.access.edge.EdgeTlsProbe;
import dev.portless.access.edge.StreamDialer;
import dev.portless.access.limits.AccessLimits;
import dev.portless.common.net.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * {@code access doctor}'s walk through what a connection needs, in the order a connection needs it, stopping
 * at the first failure: the edge's address, TCP, TLS, the discovery document and the clocks, the credentials,
 * then one probe stream for the policy, the connector and the target. Blocking: run it on the main thread.
 */
public final class Doctor {
    private final Settings settings;

    /**
     * What the walk checks.
     *
     * @param edge        the edge
     * @param trust       the CA in use, in words ({@code PORTLESS_EDGE_CA=/x}, or {@code the system trust})
     * @param tls         the Netty context of the handshake step, or empty when the CA could not be read
     * @param jdkTls      the JDK context of the discovery step, or empty likewise
     * @param trustError  why the CA could not be read, or empty
     * @param credentials the credentials step's result: a sentence and whether it passed
     * @param app         the app, or empty to check the edge only
     * @param dialer      the dialer of the probe stream, asked for only when the credentials passed
     * @param destination the bastion destination of the probe stream, or {@code null}
     * @param timeout     how long each network step may take
     */
    public record Settings(
            EdgeEndpoint edge,
            String trust,
            Optional<SslContext> tls,
            Optional<SSLContext> jdkTls,
            Optional<String> trustError,
            DoctorStep credentials,
            Optional<String> app,
            Supplier<StreamDialer> dialer,
            String destination,
            Duration timeout) {
        /** Checks the fields. */
        public Settings {
            requireNonNull(edge, "edge");
            requireNonNull(trust, "trust");
            requireNonNull(tls, "tls");
            requireNonNull(jdkTls, "jdkTls");
            requireNonNull(trustError, "trustError");
            requireNonNull(credentials, "credentials");
            requireNonNull(app, "app");
            requireNonNull(dialer, "dialer");
            requireNonNull(timeout, "timeout");
        }
    }

    /** Returns a walk over {@code settings}. */
    public Doctor(Settings settings) {
        this.settings = requireNonNull(settings, "settings");
    }

    /** Returns the steps walked, up to and including the first failure. */
    public DoctorReport walk() throws InterruptedException {
        List<DoctorStep> steps = new ArrayList<>();
        String target = settings.app().orElse(settings.edge().toString());
        EdgeEndpoint edge = settings.edge();
        if (!add(steps, address(edge))) {
            return new DoctorReport(target, steps);
        }
        if (settings.trustError().isPresent()) {
            steps.add(DoctorStep.fail(
                    "tls",
                    settings.trustError().get(),
                    "point --edge-ca or PORTLESS_EDGE_CA at the PEM file of the CA that signed the edge's"
                            + " certificate, or unset it to use the system trust"));
            return new DoctorReport(target, steps);
        }
        EdgeTlsProbe.Handshake handshake =
                EdgeTlsProbe.handshake(edge, settings.tls().orElseThrow(), settings.timeout());
        if (!handshake.connected()) {
            steps.add(DoctorStep.fail(
                    "tcp",
                    handshake.detail(),
                    "start the edge, or check --edge / PORTLESS_EDGE and the firewall between here and " + edge));
            return new DoctorReport(target, steps);
        }
        steps.add(DoctorStep.pass("tcp", "connected to " + edge));
        if (!handshake.secured()) {
            steps.add(DoctorStep.fail(
                    "tls",
                    handshake.detail() + " (trusting " + settings.trust() + ")",
                    "point --edge-ca or PORTLESS_EDGE_CA at the CA that signed the edge's certificate, and reach"
                            + " the edge by a name its certificate carries"));
            return new DoctorReport(target, steps);
        }
        steps.add(DoctorStep.pass("tls", handshake.detail() + ", certificate trusted by " + settings.trust()));
        if (!add(steps, discovery(edge))) {
            return new DoctorReport(target, steps);
        }
        if (settings.app().isEmpty()) {
            return new DoctorReport(target, steps);
        }
        if (!add(steps, settings.credentials())) {
            return new DoctorReport(target, steps);
        }
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(1, "access-doctor");
        try {
            steps.addAll(StreamProbe.run(
                    settings.dialer().get(), group.next(), settings.app().get(), settings.destination()));
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
        return new DoctorReport(target, steps);
    }

    private static boolean add(List<DoctorStep> steps, DoctorStep step) {
        steps.add(step);
        return step.passed();
    }

    private static DoctorStep address(EdgeEndpoint edge) {
        try {
            InetAddress[] addresses = InetAddress.getAllByName(edge.host());
            return DoctorStep.pass("edge address", edge.host() + " resolves to " + addresses[0].getHostAddress());
        } catch (UnknownHostException e) {
            return DoctorStep.fail(
                    "edge address",
                    edge.host() + " does not resolve",
                    "check the app hostname, or set --edge or PORTLESS_EDGE to the edge's URL");
        }
    }

    private DoctorStep discovery(EdgeEndpoint edge) throws InterruptedException {
        EdgeDiscovery.Answer answer =
                EdgeDiscovery.fetch(edge, settings.jdkTls().orElseThrow(), settings.timeout());
        if (answer.problem().isPresent()) {
            return DoctorStep.fail(
                    "discovery",
                    "the edge at " + edge + ": " + answer.problem().get(),
                    "check that " + edge + " is a Portless edge (not a proxy in front of it) and its version");
        }
        if (answer.edgeTime().isPresent()) {
            Duration skew = Duration.between(answer.edgeTime().get(), Instant.now());
            // The Date header has whole seconds and the request took time: allow one more second.
            if (skew.abs().compareTo(EdgeDiscovery.MAX_SKEW.plusSeconds(1)) > 0) {
                return DoctorStep.fail(
                        "discovery",
                        "this machine's clock is " + skew.abs().toSeconds() + " s "
                                + (skew.isNegative() ? "behind" : "ahead of") + " the edge's",
                        "synchronise the clock (e.g. `timedatectl set-ntp true`); tokens would look "
                                + (skew.isNegative() ? "not yet valid" : "expired"));
            }
        }
        return DoctorStep.pass(
                "discovery",
                "issuer " + answer.issuer().orElseThrow()
                        + answer.edgeTime()
                                .map(t -> ", clocks agree within " + EdgeDiscovery.MAX_SKEW.toSeconds() + " s")
                                .orElse(""));
    }

    /** Returns the timeout of each network step. */
    public static Duration defaultTimeout() {
        return Duration.ofSeconds(AccessLimits.CONNECT_TIMEOUT_SECONDS);
    }
}
