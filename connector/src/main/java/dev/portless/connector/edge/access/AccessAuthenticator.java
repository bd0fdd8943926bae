package dev.portless.connector.edge.access;

import dev.portless.connector.edge.policy.AppRoute;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;

/**
 * Who is asking for a stream and whether the app lets them in.
 */
@FunctionalInterface
public interface AccessAuthenticator {
    /** Returns the decision for the credentials in {@code headers} on {@code app}, from {@code client}. */
    Decision authenticate(HttpHeaders headers, AppRoute app, InetAddress client);
}
