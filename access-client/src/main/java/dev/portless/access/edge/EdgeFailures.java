package dev.portless.access.edge;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The sentences for failures of a connection to the edge, whichever way streams travel on it.
 */
final class EdgeFailures {
    private EdgeFailures() {}

    /** Returns the sentence for a failed TCP connect to {@code edge}. */
    static String connect(Throwable cause, EdgeEndpoint edge, Duration connectTimeout) {
        if (cause instanceof UnknownHostException) {
            return "The edge host " + edge.host() + " does not resolve; check --edge (or PORTLESS_EDGE).";
        }
        if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            return "The edge at " + edge + " did not accept a connection within " + connectTimeout.toSeconds()
                    + " s; check --edge and your network.";
        }
        if (cause instanceof ConnectException) {
            return "Cannot connect to the edge at " + edge
                    + ": connection refused; check --edge and that the edge runs.";
        }
        return "Cannot connect to the edge at " + edge + ": " + cause.getMessage();
    }

    /** Returns the sentence for a stream request {@code edge} did not answer within {@code timeout}. */
    static String noAnswer(EdgeEndpoint edge, String hostname, Duration timeout) {
        return "The edge at " + edge + " did not answer for " + hostname + " within " + timeout.toSeconds()
                + " s; try again or check the edge's logs.";
    }

    /** Returns the sentence for a failed TLS handshake with {@code edge}. */
    static String tls(Throwable cause, EdgeEndpoint edge) {
        if (isUntrusted(cause)) {
            return "The edge's TLS certificate at " + edge + " is not trusted; pass --edge-ca (or PORTLESS_EDGE_CA)"
                    + " with the CA that signed it.";
        }
        return "The TLS handshake with the edge at " + edge + " failed: " + rootMessage(cause);
    }

    /** Returns the sentence for any other failure of the connection to {@code edge}. */
    static String connection(Throwable cause, EdgeEndpoint edge) {
        return isTls(cause)
                ? tls(cause, edge)
                : "The connection to the edge at " + edge + " failed: " + rootMessage(cause);
    }

    /**
     * Returns the failure of a connection to {@code edge} before the edge answered a stream request;
     * a network error (a reset, a broken pipe) may pass, so the stream may be dialed again, while a
     * failed TLS handshake may not.
     */
    static AccessException brokenConnection(Throwable cause, EdgeEndpoint edge) {
        String sentence = connection(cause, edge);
        return isTls(cause) || !(cause instanceof IOException)
                ? new AccessException(sentence)
                : AccessException.brokeBeforeAnswer(sentence);
    }

    private static boolean isTls(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isUntrusted(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CertificateException
                    || (c instanceof SSLHandshakeException
                            && String.valueOf(c.getMessage())
                                    .toLowerCase(Locale.ROOT)
                                    .contains("cert"))) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
