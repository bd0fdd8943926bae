package dev.portless.access.doctor;

import dev.portless.access.edge.AccessException;
import dev.portless.access.edge.StreamDialer;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * The last steps of {@code access doctor}: one real stream request to the app, closed as soon as it is open.
 * The edge checks the credentials and the policy, picks a connector, and the connector dials the target
 * before the edge answers, so the error code of a refusal names the step that failed, and an open stream
 * proves them all. The edge tells the probe nothing it does not tell every client.
 */
final class StreamProbe {
    static final String CREDENTIALS = "credentials accepted";
    static final String POLICY = "policy";
    static final String CONNECTOR = "connector online";
    static final String TARGET = "target dial";

    private static final List<String> STEPS = List.of(CREDENTIALS, POLICY, CONNECTOR, TARGET);
    private static final Set<String> CREDENTIAL_CODES =
            Set.of("unauthenticated", "bad_credentials", "token_expired", "token_rejected");
    private static final Set<String> CONNECTOR_CODES =
            Set.of("no_connector", "connector_timeout", "connector_draining", "unknown_app");

    private StreamProbe() {}

    /** Returns the steps of a stream to {@code app} through {@code dialer}, up to the first failure. */
    static List<DoctorStep> run(StreamDialer dialer, EventLoop loop, String app, String destination)
            throws InterruptedException {
        try {
            Channel stream = dialer.open(loop, app, destination).get();
            stream.close();
            return List.of(
                    DoctorStep.pass(CREDENTIALS, "the edge accepted the credentials"),
                    DoctorStep.pass(POLICY, "the app's policy allows this identity"),
                    DoctorStep.pass(CONNECTOR, "a connector of the app's tunnel took the stream"),
                    DoctorStep.pass(TARGET, "the connector dialed the target (the probe stream was closed at once)"));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String sentence = cause instanceof AccessException ? cause.getMessage() : String.valueOf(cause);
            String code = cause instanceof AccessException a ? a.edgeError().orElse("") : "";
            return failedAt(failedStep(code), sentence, fix(code, app));
        }
    }

    private static String failedStep(String code) {
        if (CREDENTIAL_CODES.contains(code)) {
            return CREDENTIALS;
        }
        if (code.equals("forbidden")) {
            return POLICY;
        }
        if (CONNECTOR_CODES.contains(code)) {
            return CONNECTOR;
        }
        // target_*, no_ingress, not_tcp, destination_refused and anything unnamed: the dial did not happen.
        return code.isEmpty() ? CREDENTIALS : TARGET;
    }

    private static List<DoctorStep> failedAt(String step, String sentence, String fix) {
        List<DoctorStep> steps = new ArrayList<>();
        for (String name : STEPS) {
            if (name.equals(step)) {
                steps.add(DoctorStep.fail(name, sentence, fix));
                break;
            }
            steps.add(DoctorStep.pass(name, "passed (the edge checked it before the failing step)"));
        }
        return steps;
    }

    private static String fix(String code, String app) {
        return switch (code) {
            case "unauthenticated", "bad_credentials", "token_rejected" ->
                "sign in again with `access login " + app + "`, or check the service token id and secret";
            case "token_expired" -> "sign in again with `access login " + app + "`";
            case "forbidden" ->
                "ask the app's administrator to allow this identity in the app's policy, or sign in as someone"
                        + " else (`access logout " + app + "`)";
            case "unknown_app" -> "check the app hostname; the edge has no app of that name";
            case "no_connector", "connector_timeout" ->
                "start the app's connector (`connector run`) and check its log for \"registered tunnel\"";
            case "connector_draining" -> "wait for the connector's replacement, or start another connector";
            case "target_refused" -> "start the target service, or fix the port in the connector's ingress rule";
            case "target_unresolved", "target_unreachable", "target_timeout" ->
                "check the target's address in the connector's ingress rule and that the connector's machine"
                        + " reaches it";
            case "no_ingress", "not_tcp" -> "add a TCP ingress rule for " + app + " to the connector's connector.yml";
            case "destination_refused" -> "ask the connector's operator to allow the destination in the bastion rule";
            default -> "check the edge's address and the network between here and the edge";
        };
    }
}
