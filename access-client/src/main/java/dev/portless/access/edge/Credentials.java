package dev.portless.access.edge;

import static java.util.Objects.requireNonNull;

import dev.portless.common.wire.AccessHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The credentials the CLI presents to the edge on the upgrade: a service token, or an app
 * token from a browser sign-in. Neither ever appears in {@link #toString()}.
 */
public sealed interface Credentials {

    /** Returns service token credentials. */
    static Credentials serviceToken(String id, String secret) {
        return new ServiceToken(id, secret);
    }

    /** Returns app token credentials, sent as {@code Authorization: Bearer}. */
    static Credentials appToken(String token) {
        return new AppToken(token);
    }

    /**
     * Returns {@code base} with the headers of a resumable stream request ({@code portless-resume.v1});
     * {@code base} itself when there are none.
     */
    static Credentials withResume(Credentials base, Map<String, String> resume) {
        requireNonNull(base, "base");
        requireNonNull(resume, "resume");
        return resume.isEmpty() ? base : new Resuming(base, Map.copyOf(resume));
    }

    /** Returns whether these credentials ask for a resumable stream. */
    default boolean resumable() {
        return false;
    }

    /** Passes each header that carries the credentials to {@code header}, as name and value. */
    void forEachHeader(BiConsumer<String, String> header);

    /** Adds the credentials' headers to the upgrade request. */
    default void addTo(HttpHeaders headers) {
        forEachHeader(headers::set);
    }

    /**
     * A service token: an id and a secret, for scripts and CI.
     *
     * @param id     the client id
     * @param secret the secret, never logged
     */
    record ServiceToken(String id, String secret) implements Credentials {
        /** Returns service token credentials. */
        public ServiceToken {
            requireNonNull(id, "id");
            requireNonNull(secret, "secret");
        }

        @Override
        public void forEachHeader(BiConsumer<String, String> header) {
            header.accept(AccessHeaders.CLIENT_ID, id);
            header.accept(AccessHeaders.CLIENT_SECRET, secret);
        }

        @Override
        public String toString() {
            return "ServiceToken[id=" + id + "]";
        }
    }

    /**
     * An app token the edge issued after a browser sign-in.
     *
     * @param token the JWT, never logged
     */
    record AppToken(String token) implements Credentials {
        /** Returns app token credentials. */
        public AppToken {
            requireNonNull(token, "token");
        }

        @Override
        public void forEachHeader(BiConsumer<String, String> header) {
            header.accept(HttpHeaderNames.AUTHORIZATION.toString(), "Bearer " + token);
        }

        @Override
        public String toString() {
            return "AppToken[…]";
        }
    }

    /**
     * Credentials with the headers that ask for a resumable stream or resume one (the resume secret
     * among them).
     *
     * @param base   the user's or script's credentials
     * @param resume the {@code portless-resume*} headers; never logged
     */
    record Resuming(Credentials base, Map<String, String> resume) implements Credentials {
        /** Returns credentials with resume headers. */
        public Resuming {
            requireNonNull(base, "base");
            requireNonNull(resume, "resume");
        }

        @Override
        public boolean resumable() {
            return true;
        }

        @Override
        public void forEachHeader(BiConsumer<String, String> header) {
            base.forEachHeader(header);
            resume.forEach(header);
        }

        @Override
        public String toString() {
            return "Resuming[" + base + "]";
        }
    }
}
