package dev.portless.it.deploy;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.peers.Nginx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An nginx on a free loopback port serving one page: the target the image tests reach through the edge.
 *
 * @param nginx the running nginx
 * @param port  its loopback port
 */
record LoopbackPage(Nginx nginx, int port) implements AutoCloseable {
    LoopbackPage {
        requireNonNull(nginx, "nginx");
    }

    /** Returns a running nginx whose {@code /} is {@code page}. */
    static LoopbackPage serve(String page) throws IOException, InterruptedException {
        Path site = Files.createTempDirectory("portless-page");
        int port = Nginx.freePort();
        Files.createDirectories(site.resolve("www"));
        Files.writeString(site.resolve("www/index.html"), requireNonNull(page, "page"));
        return new LoopbackPage(
                Nginx.start(site, "server {\n  listen 127.0.0.1:" + port + ";\n  root DIR/www;\n}\n", port), port);
    }

    @Override
    public void close() throws InterruptedException {
        nginx.close();
    }
}
