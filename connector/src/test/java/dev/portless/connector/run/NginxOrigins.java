package dev.portless.connector.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.demo.DemoCertificates;
import dev.portless.connector.peers.ClosingKeepAliveOrigin;
import dev.portless.connector.peers.GarbageOrigin;
import dev.portless.connector.peers.Nginx;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The origins the connector's web proxy is tested against, each behind an ingress hostname of one tunnel
 * connection driven as the edge drives it: a real nginx (http, https with a private CA, a unix socket), a
 * WebSocket origin, an origin that answers garbage, one that closes its kept-alive connections, a refused port,
 * the hello-world page and a TCP app. A test class registers it as a static extension, which starts it before
 * the class's tests and stops it after them.
 */
final class NginxOrigins implements BeforeAllCallback, AfterAllCallback {
    Path dir;
    Nginx nginx;
    WebSocketEcho ws;
    GarbageOrigin garbage;
    ClosingKeepAliveOrigin closing;
    WebTunnel tunnel;
    int httpsPort;

    /** Starts the origins and the tunnel before a test class; what started is stopped again when a part fails. */
    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("web-proxy");
        try {
            int http = Nginx.freePort();
            int https = Nginx.freePort();
            httpsPort = https;
            DemoCertificates.write(dir, List.of("internal.local"), List.of());
            String echo = "host=$host|xff=$http_x_forwarded_for|xfp=$http_x_forwarded_proto|xfh=$http_x_forwarded_host"
                    + "|via=$http_via|jwt=$http_cf_access_jwt_assertion|email=$http_cf_access_authenticated_user_email"
                    + "|cip=$http_cf_connecting_ip|portless=$http_portless_app_token$http_portless_identity"
                    + "|cookie=$http_cookie|te=$http_te|upgrade=$http_upgrade|conn=$connection|n=$connection_requests";
            nginx = Nginx.start(
                    dir,
                    """
                    server {
                      listen 127.0.0.1:HTTP;
                      listen unix:DIR/nginx.sock;
                      listen 127.0.0.1:HTTPS ssl;
                      ssl_certificate DIR/edge.pem;
                      ssl_certificate_key DIR/edge-key.pem;
                      root DIR/www;
                      location = /echo { default_type text/plain; return 200 "ECHO\\n"; }
                      location = /forged {
                        add_header Portless-Error forged always;
                        add_header X-Kept yes always;
                        return 200 "ok\\n";
                      }
                      location = /deny {
                        add_header X-Why no-upgrades always;
                        default_type text/plain;
                        return 403 "no websockets here\\n";
                      }
                      location /upload/ { dav_methods PUT; create_full_put_path on; }
                      location = /short { keepalive_timeout 1s; default_type text/plain; return 200 "ECHO\n"; }
                    }
                    """.replace("HTTPS", Integer.toString(https))
                            .replace("HTTP", Integer.toString(http))
                            .replace("ECHO", echo),
                    http);
            ws = new WebSocketEcho();
            garbage = GarbageOrigin.start();
            closing = ClosingKeepAliveOrigin.start();
            String d = dir.toString();
            tunnel = new WebTunnel(
                    dir, """
                    ingress:
                      - hostname: plain.example.com
                        service: http://127.0.0.1:%1$d
                      - hostname: unix.example.com
                        service: unix:%3$s/nginx.sock
                      - hostname: tls.example.com
                        service: https://127.0.0.1:%2$d
                        origin-request:
                          ca-pool: ca.pem
                          origin-server-name: internal.local
                      - hostname: insecure.example.com
                        service: https://127.0.0.1:%2$d
                        origin-request:
                          no-tls-verify: true
                      - hostname: mismatch.example.com
                        service: https://127.0.0.1:%2$d
                        origin-request:
                          ca-pool: ca.pem
                      - hostname: unknown-ca.example.com
                        service: https://127.0.0.1:%2$d
                        origin-request:
                          origin-server-name: internal.local
                      - hostname: garbage.example.com
                        service: http://127.0.0.1:%4$d
                      - hostname: refused.example.com
                        service: http://127.0.0.1:%5$d
                        origin-request:
                          connect-timeout: 2s
                      - hostname: ws.example.com
                        service: http://127.0.0.1:%6$d
                      - hostname: hello.example.com
                        service: hello-world
                      - hostname: closing.example.com
                        service: http://127.0.0.1:%7$d
                      - hostname: ssh.example.com
                        service: tcp://127.0.0.1:1
                      - service: http_status:404
                    """.formatted(http, https, d, garbage.port(), Nginx.freePort(), ws.port(), closing.port()));
        } catch (Exception | Error e) {
            try {
                close();
            } catch (Exception closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
    }

    /** Stops what {@link #beforeAll} started once the test class is done. */
    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    /** Returns the finished exchange of a GET of {@code path} at {@code app}. */
    WebTunnel.Exchange get(String app, String path) throws Exception {
        WebTunnel.Exchange x = tunnel.send(WebTunnel.request("GET", app, path, TunnelProtocol.KIND_HTTP), null, true);
        x.await();
        return x;
    }

    /** Returns the message of a refused request, after checking its status and code. */
    String assertRefused(String app, String path, String status, String code) throws Exception {
        Http2Headers answer = get(app, path).headers.get();
        assertEquals(status, answer.status().toString());
        assertEquals(code, answer.get(TunnelProtocol.ERROR).toString());
        return answer.get(TunnelProtocol.MESSAGE).toString();
    }

    /** Returns the field {@code name} of nginx's {@code /echo} answer ({@code host=...|xff=...|...}). */
    static String field(String echo, String name) {
        for (String part : echo.trim().split("\\|")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no " + name + " in " + echo);
    }

    /** Returns nginx's https port. */
    int httpsPort() {
        return httpsPort;
    }

    private void close() throws Exception {
        if (tunnel != null) {
            tunnel.close();
        }
        if (ws != null) {
            ws.close();
        }
        if (garbage != null) {
            garbage.close();
        }
        if (closing != null) {
            closing.close();
        }
        if (nginx != null) {
            nginx.close();
        }
        // The big files alone are 200 MiB.
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
