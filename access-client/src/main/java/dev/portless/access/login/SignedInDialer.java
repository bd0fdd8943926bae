package dev.portless.access.login;

import static java.util.Objects.requireNonNull;

import dev.portless.access.edge.AccessException;
import dev.portless.access.edge.Credentials;
import dev.portless.access.edge.EdgeDialer;
import dev.portless.access.edge.EdgeEndpoint;
import dev.portless.access.edge.StreamDialer;
import dev.portless.access.token.CachedToken;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Streams that carry the user's app token ({@code Authorization: Bearer}), signing in on
 * demand when there is no valid one.
 *
 * <p>When the edge refuses a cached token as expired or bad, the dialer drops it from the cache,
 * signs in again and retries once. Signing in blocks, so it runs on {@code blocking}, never on the event loop
 * the stream opens on.
 */
public final class SignedInDialer implements StreamDialer {
    private final EdgeDialer dialer;
    private final AppSignIn signIn;
    private final Executor blocking;
    private final PrintWriter err;

    /** Returns a dialer for {@code signIn}'s app through {@code dialer}. */
    public SignedInDialer(EdgeDialer dialer, AppSignIn signIn, Executor blocking, PrintWriter err) {
        this.dialer = requireNonNull(dialer, "dialer");
        this.signIn = requireNonNull(signIn, "signIn");
        this.blocking = requireNonNull(blocking, "blocking");
        this.err = requireNonNull(err, "err");
    }

    @Override
    public EdgeEndpoint edge() {
        return dialer.edge();
    }

    /**
     * Gets a valid token for this dialer's app, signing in now when none is cached; blocks. Lets
     * {@code access forward} sign in to its apps one after another at start instead of opening a
     * browser tab per app at the first connections.
     */
    @Override
    public void signInNow() throws AccessException, InterruptedException {
        signIn.token();
    }

    @Override
    public CompletableFuture<Channel> open(
            EventLoop loop, String hostname, String destination, Map<String, String> resume) {
        requireNonNull(resume, "resume");
        if (!hostname.equals(signIn.app())) {
            throw new IllegalArgumentException("hostname: " + hostname + " (expected: " + signIn.app() + ")");
        }
        CompletableFuture<Channel> result = new CompletableFuture<>();
        blocking.execute(() -> attempt(loop, destination, resume, result, true));
        return result;
    }

    private void attempt(
            EventLoop loop,
            String destination,
            Map<String, String> resume,
            CompletableFuture<Channel> result,
            boolean mayRetry) {
        CachedToken token;
        try {
            token = signIn.token();
        } catch (AccessException e) {
            result.completeExceptionally(e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.completeExceptionally(new AccessException("The sign-in to " + signIn.app() + " was interrupted."));
            return;
        } catch (RuntimeException e) {
            // A settings problem (e.g. an unreadable --edge-ca) already reads as a sentence.
            result.completeExceptionally(new AccessException(e.getMessage()));
            return;
        }
        dialer.open(
                        loop,
                        signIn.app(),
                        Credentials.withResume(Credentials.appToken(token.token()), resume),
                        destination)
                .whenComplete((stream, failure) -> {
                    if (failure == null) {
                        result.complete(stream);
                        return;
                    }
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause()
                            : failure;
                    String code =
                            cause instanceof AccessException a ? a.edgeError().orElse("") : "";
                    // token_rejected: the connector refused what the edge accepted (e.g. keys rotated); a new token may
                    // pass.
                    // A token that a sign-in just produced is not retried: a second sign-in would fare no better.
                    if (mayRetry
                            && !signIn.isFromSignIn(token)
                            && (code.equals("token_expired")
                                    || code.equals("bad_credentials")
                                    || code.equals("token_rejected"))) {
                        err.println("access: "
                                + (code.equals("token_expired")
                                        ? "Your sign-in to " + signIn.app() + " expired; signing in again."
                                        : "The edge refused the saved sign-in for " + signIn.app()
                                                + "; signing in again."));
                        signIn.reject(token);
                        blocking.execute(() -> attempt(loop, destination, resume, result, false));
                    } else if (code.equals("forbidden")
                            && !token.identity().isEmpty()
                            && !cause.getMessage().contains(token.identity())) {
                        result.completeExceptionally(
                                new AccessException(withIdentity(cause.getMessage(), token.identity()), code));
                    } else {
                        result.completeExceptionally(cause);
                    }
                });
    }

    /** Returns the edge's policy sentence with who was refused, so the user knows whom to switch to. */
    private String withIdentity(String sentence, String identity) {
        String s = sentence.endsWith(".") ? sentence.substring(0, sentence.length() - 1) : sentence;
        return s + " (signed in as " + identity + "; `access logout " + signIn.app() + "` to sign in as someone"
                + " else).";
    }
}
