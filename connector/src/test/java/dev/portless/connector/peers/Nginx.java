package dev.portless.connector.peers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx (Debian package {@code nginx}) started for one test: its own configuration in a temporary
 * directory, {@code daemon off}, pid and logs in that directory, listening on loopback ports and unix
 * sockets the test names. On CI a missing nginx fails the test; elsewhere it skips it.
 *
 * <p>Its access log writes one line per request: {@code $connection $connection_requests $request_method
 * $request_uri $status}, so a test can see that one connection served several requests.
 */
public final class Nginx implements AutoCloseable {
    /** Where Debian installs nginx. */
    public static final String BINARY = "/usr/sbin/nginx";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Path dir;
    private final Process process;

    private Nginx(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    /**
     * Returns a running nginx whose {@code http} block holds {@code servers} (server blocks, in which
     * {@code DIR} stands for the directory), once {@code waitPort} accepts connections.
     */
    public static Nginx start(Path dir, String servers, int waitPort) throws IOException, InterruptedException {
        requireInstalled();
        Files.createDirectories(dir.resolve("tmp"));
        Files.createDirectories(dir.resolve("www"));
        String d = dir.toAbsolutePath().toString();
        String conf = """
                daemon off;
                user root;
                worker_processes 1;
                pid DIR/nginx.pid;
                error_log DIR/error.log info;
                events { worker_connections 512; }
                http {
                  log_format connections '$connection $connection_requests $request_method $request_uri $status';
                  access_log DIR/access.log connections;
                  client_body_temp_path DIR/tmp/body;
                  proxy_temp_path DIR/tmp/proxy;
                  fastcgi_temp_path DIR/tmp/fastcgi;
                  uwsgi_temp_path DIR/tmp/uwsgi;
                  scgi_temp_path DIR/tmp/scgi;
                  client_max_body_size 0;
                  keepalive_requests 10000;
                  keepalive_timeout 75s;
                  default_type application/octet-stream;
                """ + servers + "\n}\n";
        Files.writeString(dir.resolve("nginx.conf"), conf.replace("DIR", d));
        Process p = new ProcessBuilder(
                        BINARY, "-p", d, "-c", d + "/nginx.conf", "-e", d + "/error.log", "-g", "master_process on;")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .start();
        Nginx nginx = new Nginx(dir, p);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts(waitPort)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                nginx.close();
                throw new IllegalStateException("nginx did not start: " + Files.readString(dir.resolve("error.log")));
            }
            Thread.sleep(50);
        }
        return nginx;
    }

    /** Returns the lines of the access log so far. */
    public java.util.List<String> accessLog() throws IOException {
        Path log = dir.resolve("access.log");
        return Files.exists(log) ? Files.readAllLines(log) : java.util.List.of();
    }

    /** Returns a loopback port no one listens on now. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void requireInstalled() {
        InstalledPeer.require(BINARY, "nginx");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
