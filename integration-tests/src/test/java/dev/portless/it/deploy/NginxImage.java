package dev.portless.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.it.peers.Commands;
import dev.portless.it.peers.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * A web app image for the compose test, built from this machine's Debian nginx: the binary and the shared
 * libraries it links against on an empty base (no registry can provide nginx's own image here), serving
 * one page on port 80.
 */
final class NginxImage {
    static final String TAG = "localhost/portless-it-web:it";
    static final String PAGE = "served by nginx beside the connector\n";
    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(2);
    private static boolean built;

    private NginxImage() {}

    /** Returns the image's name, building it the first time. */
    static synchronized String build() throws IOException {
        Podman.require();
        if (built) {
            return TAG;
        }
        Path context = Files.createTempDirectory("portless-nginx-image");
        Path rootfs = context.resolve("rootfs");
        copy(NGINX, rootfs);
        ProcessResult ldd = Commands.run(List.of("ldd", NGINX.toString()), BUILD_TIMEOUT);
        assertEquals(0, ldd.exitCode(), ldd::toString);
        for (String line : ldd.stdout().split("\n")) {
            // "libz.so.1 => /lib/.../libz.so.1 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
            String[] words = line.trim().split("\\s+");
            String library = words.length >= 3 && words[1].equals("=>") ? words[2] : words[0];
            if (library.startsWith("/")) {
                copy(Path.of(library), rootfs);
            }
        }
        Files.createDirectories(rootfs.resolve("etc/nginx"));
        Files.createDirectories(rootfs.resolve("www"));
        Files.createDirectories(rootfs.resolve("tmp"));
        Files.writeString(
                rootfs.resolve("etc/passwd"), "root:x:0:0::/:/nonexistent\nnobody:x:65534:65534::/:/nonexistent\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
        Files.writeString(rootfs.resolve("www/index.html"), PAGE);
        Files.writeString(rootfs.resolve("etc/nginx/nginx.conf"), """
                daemon off;
                worker_processes 1;
                pid /tmp/nginx.pid;
                error_log stderr;
                events { worker_connections 64; }
                http {
                  access_log off;
                  client_body_temp_path /tmp/body;
                  proxy_temp_path /tmp/proxy;
                  fastcgi_temp_path /tmp/fastcgi;
                  uwsgi_temp_path /tmp/uwsgi;
                  scgi_temp_path /tmp/scgi;
                  server { listen 80; root /www; }
                }
                """);
        Files.writeString(context.resolve("Containerfile"), """
                FROM scratch
                COPY rootfs/ /
                ENTRYPOINT ["/usr/sbin/nginx", "-e", "stderr", "-c", "/etc/nginx/nginx.conf"]
                """);
        Podman.ok("build", "-q", "-t", TAG, context.toString());
        built = true;
        return TAG;
    }

    private static void copy(Path file, Path rootfs) throws IOException {
        Path target = rootfs.resolve(file.toString().substring(1));
        Files.createDirectories(target.getParent());
        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
    }
}
