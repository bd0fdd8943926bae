package dev.portless.connector.ingress;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * What an ingress rule does with a matching stream: dial a {@link TargetService} or the destination a
 * {@link BastionService} allows, proxy to a web
 * origin or answer the built-in page ({@link WebService}), or answer with a {@link StatusService}, in
 * the {@code service:} spellings cloudflared users know.
 */
public sealed interface Service permits TargetService, BastionService, StatusService, WebService {

    /** The accepted schemes, for error messages. */
    String EXPECTED_SCHEMES = "tcp, ssh, rdp, smb, http, https, unix, unix+tls, hello-world, bastion, http_status";

    /**
     * Returns the service {@code text} names: {@code tcp://host:port}, {@code ssh://host[:port]},
     * {@code rdp://host[:port]}, {@code smb://host[:port]}, {@code http://host[:port]},
     * {@code https://host[:port]}, {@code unix:/path}, {@code unix+tls:/path}, {@code hello-world} or
     * {@code http_status:NNN}.
     *
     * @throws IllegalArgumentException with one sentence saying what is wrong and what is accepted
     */
    static Service parse(String text) {
        requireNonNull(text, "text");
        if (text.equals(HelloWorldService.NAME)) {
            return new HelloWorldService();
        }
        final int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException('"' + text + "\" has no scheme (expected: tcp://host:port, "
                    + "ssh://host[:port], rdp://host[:port], smb://host[:port], http://host[:port], https://host[:port], "
                    + "unix:/path, unix+tls:/path, hello-world or http_status:NNN)");
        }
        final String scheme = text.substring(0, colon).toLowerCase(Locale.ROOT);
        if (scheme.equals("http_status")) {
            return StatusService.parse(text.substring(colon + 1));
        }
        if (OriginService.DEFAULT_PORTS.containsKey(scheme) || OriginService.isUnixScheme(scheme)) {
            return OriginService.parse(scheme, text.substring(colon + 1));
        }
        if (!TargetService.DEFAULT_PORTS.containsKey(scheme)) {
            throw new IllegalArgumentException(
                    "unknown scheme \"" + text.substring(0, colon) + "\" (expected: " + EXPECTED_SCHEMES + ')');
        }
        if (!text.startsWith("//", colon + 1)) {
            throw new IllegalArgumentException('"' + text + "\" lacks \"//\" after the scheme (expected: " + scheme
                    + "://host" + (scheme.equals("tcp") ? ":port" : "[:port]") + ')');
        }
        return TargetService.parse(scheme, text.substring(colon + 3));
    }
}
