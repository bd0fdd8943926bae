package dev.portless.connector.edge.events;

import dev.portless.connector.edge.policy.Identity;
import java.util.List;

/** Hands each edge event to several observers. */
final class EdgeEventFanOut implements EdgeEvents {
    private final List<EdgeEvents> observers;

    EdgeEventFanOut(List<EdgeEvents> observers) {
        this.observers = observers;
    }

    @Override
    public void streamOpened(String app, long setupNanos) {
        observers.forEach(o -> o.streamOpened(app, setupNanos));
    }

    @Override
    public void streamEnded(EndedStream end) {
        observers.forEach(o -> o.streamEnded(end));
    }

    @Override
    public void refused(Refusal refusal) {
        observers.forEach(o -> o.refused(refusal));
    }

    @Override
    public void httpRequest(String app, int status) {
        observers.forEach(o -> o.httpRequest(app, status));
    }

    @Override
    public void signedIn(Identity identity) {
        observers.forEach(o -> o.signedIn(identity));
    }

    @Override
    public void signInFailed(String provider, String result) {
        observers.forEach(o -> o.signInFailed(provider, result));
    }

    @Override
    public void tokenIssued(TokenIssue issue) {
        observers.forEach(o -> o.tokenIssued(issue));
    }

    @Override
    public void tokenChecked(String result) {
        observers.forEach(o -> o.tokenChecked(result));
    }

    @Override
    public void sshCertificateIssued(SshCertificateIssue issue) {
        observers.forEach(o -> o.sshCertificateIssued(issue));
    }

    @Override
    public void signOutEnforced(SignOutEnforcement enforcement) {
        observers.forEach(o -> o.signOutEnforced(enforcement));
    }

    @Override
    public void storeOperation(String operation, long nanos) {
        observers.forEach(o -> o.storeOperation(operation, nanos));
    }
}
