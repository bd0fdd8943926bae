package dev.portless.access.cli;

import dev.portless.access.doctor.Doctor;
import dev.portless.access.doctor.DoctorReport;
import dev.portless.access.doctor.DoctorStep;
import dev.portless.access.edge.Credentials;
import dev.portless.access.edge.EdgeEndpoint;
import dev.portless.access.edge.StreamDialer;
import dev.portless.access.login.EdgeTrust;
import dev.portless.access.token.CachedToken;
import dev.portless.common.env.NamedFile;
import dev.portless.common.net.Transport;
import dev.portless.common.tls.TlsContexts;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code access doctor}: what a connection to an app needs, checked step by step, with the fix of the first failure. */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Check, in order, what a connection to APP needs and stop at the first failure with its fix: the edge's"
                    + " address, TCP, TLS, the edge's discovery document and clock, the credentials, the policy, a"
                    + " connector online and the target's dial (one probe stream, closed at once).",
            "Without APP, only the edge is checked (--edge or PORTLESS_EDGE). Exit status 0 when every step passes,"
                    + " else 1."
        })
final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    AccessCommand parent;

    @Parameters(index = "0", arity = "0..1", paramLabel = "APP", description = "the app's hostname")
    String app;

    @Option(
            names = "--json",
            description = "print the steps as one JSON object: target, ok, steps[] of step, result, detail, fix")
    boolean json;

    @Mixin
    EdgeOptions edgeOptions = new EdgeOptions();

    @Mixin
    DestinationOption destinationOption = new DestinationOption();

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> env = parent.env();
        Optional<String> hostname = Optional.ofNullable(app).map(AppName::parse);
        EdgeLocation location = edgeOptions.location;
        EdgeEndpoint edge = hostname.map(h -> location.endpoint(h, env))
                .or(() -> location.explicitEndpoint(env))
                .orElseThrow(() -> new IllegalArgumentException(
                        "name an APP, or the edge with --edge or PORTLESS_EDGE (nothing to check)"));
        Optional<SslContext> tls = Optional.empty();
        Optional<SSLContext> jdkTls = Optional.empty();
        Optional<String> trustError = Optional.empty();
        String trust = NamedFile.fromFlagOrVariable("--edge-ca", location.edgeCa, EdgeLocation.EDGE_CA_ENV, env)
                .map(NamedFile::toString)
                .orElse("the system trust");
        try {
            Optional<Path> ca = location.ca(env);
            tls = Optional.of(TlsContexts.client(ca, ApplicationProtocolNames.HTTP_1_1));
            jdkTls = Optional.of(EdgeTrust.sslContext(ca));
        } catch (RuntimeException e) {
            trustError = Optional.of(e.getMessage());
        }
        Optional<Credentials> serviceToken = edgeOptions.serviceToken(env);
        DoctorStep credentials = hostname.map(h -> credentialsStep(h, edge, serviceToken, env))
                .orElse(DoctorStep.pass("credentials", "no app named"));
        Doctor.Settings settings = new Doctor.Settings(
                edge,
                trust,
                tls,
                jdkTls,
                trustError,
                credentials,
                hostname,
                () -> probeDialer(hostname.orElseThrow(), edge, serviceToken, env),
                destinationOption.destination,
                location.connectTimeout());
        DoctorReport report = new Doctor(settings).walk();
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.json() + System.lineSeparator() : report.table());
        out.flush();
        return report.passed() ? 0 : 1;
    }

    private static DoctorStep credentialsStep(
            String app, EdgeEndpoint edge, Optional<Credentials> serviceToken, Map<String, String> env) {
        if (serviceToken.isPresent()) {
            return DoctorStep.pass(
                    "credentials", "service token " + ((Credentials.ServiceToken) serviceToken.get()).id());
        }
        Optional<CachedToken> cached = LoginOptions.cache(env).find(edge.toString(), app);
        if (cached.isEmpty()) {
            return DoctorStep.fail(
                    "credentials",
                    "no saved sign-in to " + app + " at " + edge,
                    "sign in with `access login " + app + "`, or set PORTLESS_SERVICE_TOKEN_ID and a secret");
        }
        CachedToken token = cached.get();
        String who = token.identity().isEmpty() ? "" : " as " + token.identity();
        if (!token.isFresh(Instant.now())) {
            return DoctorStep.fail(
                    "credentials",
                    "the saved sign-in to " + app + who + " expired at " + token.expiresAt(),
                    "sign in again with `access login " + app + "`");
        }
        return DoctorStep.pass(
                "credentials",
                "signed in to " + app + who + ", " + StatusCommand.timeLeft(token.timeLeft(Instant.now())) + " left");
    }

    private StreamDialer probeDialer(
            String app, EdgeEndpoint edge, Optional<Credentials> serviceToken, Map<String, String> env) {
        // The probe never signs in: the credentials step has already found what there is.
        Credentials credentials = serviceToken.orElseGet(() -> Credentials.appToken(
                LoginOptions.cache(env).find(edge.toString(), app).orElseThrow().token()));
        return StreamDialer.withCredentials(edgeOptions.location.dialer(app, Transport.best(), env), credentials);
    }
}
