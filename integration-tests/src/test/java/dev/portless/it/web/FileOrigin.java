package dev.portless.it.web;

import dev.portless.connector.peers.Nginx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An nginx on a loopback port chosen at run time that serves the files under its {@code www} directory,
 * with more directives of its {@code server} block as a test needs them.
 */
final class FileOrigin implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Nginx nginx;

    private FileOrigin(Path dir, int port, Nginx nginx) {
        this.dir = dir;
        this.port = port;
        this.nginx = nginx;
    }

    /** Returns a running origin whose {@code server} block also holds {@code directives} ({@code DIR} is its directory). */
    static FileOrigin start(String directives) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("web-origin");
        int port = Nginx.freePort();
        String server = "server {\n  listen 127.0.0.1:" + port + ";\n  root DIR/www;\n" + directives.indent(2) + "}\n";
        return new FileOrigin(dir, port, Nginx.start(dir, server, port));
    }

    /** Returns the directory nginx serves. */
    Path www() {
        return dir.resolve("www");
    }

    /** Returns the origin's URL, for an ingress rule's {@code service}. */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        nginx.close();
    }
}
