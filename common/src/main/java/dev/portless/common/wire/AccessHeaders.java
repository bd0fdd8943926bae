package dev.portless.common.wire;

/**
 * The HTTP header names a client sends to the edge when it opens a stream.
 *
 * <p>The {@code Cf-} names are accepted so that stock {@code cloudflared access tcp} clients work
 * against a Portless edge without changes.
 */
public final class AccessHeaders {
    /** Service token id, Portless spelling. */
    public static final String CLIENT_ID = "Access-Client-Id";
    /** Service token secret, Portless spelling. */
    public static final String CLIENT_SECRET = "Access-Client-Secret";
    /** Bastion destination, Portless spelling. */
    public static final String JUMP_DESTINATION = "Access-Jump-Destination";

    /** Service token id as cloudflared sends it. */
    public static final String CF_CLIENT_ID = "Cf-Access-Client-Id";
    /** Service token secret as cloudflared sends it. */
    public static final String CF_CLIENT_SECRET = "Cf-Access-Client-Secret";
    /** App token as cloudflared sends it. */
    public static final String CF_TOKEN = "Cf-Access-Token";
    /** Bastion destination as cloudflared sends it. */
    public static final String CF_JUMP_DESTINATION = "Cf-Access-Jump-Destination";

    private AccessHeaders() {}
}
