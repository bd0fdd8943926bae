package dev.portless.access.edge;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Streams to apps through one edge, with whatever credentials apply; the forwarders open
 * one per local connection.
 */
public interface StreamDialer {

    /** Returns a dialer that always presents the same credentials, e.g. a service token. */
    static StreamDialer withCredentials(EdgeDialer dialer, Credentials credentials) {
        requireNonNull(dialer, "dialer");
        requireNonNull(credentials, "credentials");
        return new StreamDialer() {
            @Override
            public EdgeEndpoint edge() {
                return dialer.edge();
            }

            @Override
            public CompletableFuture<Channel> open(
                    EventLoop loop, String hostname, String destination, Map<String, String> resume) {
                return dialer.open(loop, hostname, Credentials.withResume(credentials, resume), destination);
            }
        };
    }

    /** Returns a dialer whose streams all name {@code destination} as their bastion jump destination. */
    static StreamDialer toDestination(StreamDialer dialer, String destination) {
        requireNonNull(dialer, "dialer");
        requireNonNull(destination, "destination");
        return new StreamDialer() {
            @Override
            public EdgeEndpoint edge() {
                return dialer.edge();
            }

            @Override
            public CompletableFuture<Channel> open(
                    EventLoop loop, String hostname, String ignored, Map<String, String> resume) {
                return dialer.open(loop, hostname, destination, resume);
            }
        };
    }

    /** Returns the edge the streams go through. */
    EdgeEndpoint edge();

    /**
     * Gets now what the first stream would otherwise get first, a sign-in where one is needed, so that a
     * caller such as {@code access forward} can sign in to its apps one after another at start; a dialer
     * with fixed credentials has nothing to do.
     */
    default void signInNow() throws AccessException, InterruptedException {}

    /**
     * Returns a future of a stream to the app {@code hostname}, opened on {@code loop}, whose
     * pipeline ends in a stream adapter with reads off; it fails with an {@link AccessException}
     * whose message is the sentence for the user.
     */
    default CompletableFuture<Channel> open(EventLoop loop, String hostname) {
        return open(loop, hostname, null, Map.of());
    }

    /**
     * Returns a future of a stream as {@link #open(EventLoop, String)} does, to the bastion jump destination
     * {@code destination} ({@code host:port}) of the app, or to the app's own target when it is {@code null}.
     */
    default CompletableFuture<Channel> open(EventLoop loop, String hostname, String destination) {
        return open(loop, hostname, destination, Map.of());
    }

    /**
     * Returns a future of a stream as {@link #open(EventLoop, String, String)} does, whose request also
     * carries the {@code portless-resume.v1} headers in {@code resume} (none: a plain stream).
     */
    CompletableFuture<Channel> open(EventLoop loop, String hostname, String destination, Map<String, String> resume);
}
