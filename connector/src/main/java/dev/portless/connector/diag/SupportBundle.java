package dev.portless.connector.diag;

import static java.util.Objects.requireNonNull;

import dev.portless.common.files.OwnerOnlyFiles;
import dev.portless.common.tls.TlsContexts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A support bundle: one zip file, readable by its owner only, holding the redacted settings, the end of
 * the log, the metrics and readiness of the admin listener, a thread dump and the versions. A part that
 * cannot be collected is replaced by a note saying why, so the bundle is always written.
 */
public final class SupportBundle {
    private final BundleRequest request;
    private final List<String> notes = new ArrayList<>();

    /** Returns a bundle of what {@code request} names. */
    public SupportBundle(BundleRequest request) {
        this.request = requireNonNull(request, "request");
    }

    /**
     * Writes the bundle to {@code output}, created 0600, and returns the names of its entries.
     *
     * @throws IOException when {@code output} exists or cannot be written
     */
    public List<String> writeTo(Path output) throws IOException {
        requireNonNull(output, "output");
        List<String> names = new ArrayList<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Path config : request.configs()) {
                add(zip, names, "config/" + config.getFileName(), redactedConfig(config));
            }
            if (request.logFile().isPresent()) {
                add(
                        zip,
                        names,
                        "logs/" + request.logFile().get().getFileName(),
                        logTail(request.logFile().get()));
            } else {
                notes.add("logs: no --log-file given; the program logs to its stderr (journalctl, podman logs)");
            }
            if (request.admin().isPresent()) {
                add(zip, names, "metrics.txt", admin(request.admin().get(), "/metrics"));
                add(zip, names, "ready.txt", admin(request.admin().get(), "/ready"));
            } else {
                notes.add("metrics: no --admin given; turn the admin listener on to include metrics");
            }
            add(zip, names, "threads.txt", threads());
            add(zip, names, "versions.txt", versions());
            add(zip, names, "notes.txt", String.join("\n", notes) + "\n");
        }
        OwnerOnlyFiles.createFile(output, bytes.toByteArray());
        return names;
    }

    private static void add(ZipOutputStream zip, List<String> names, String name, String text) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
        names.add(name);
    }

    private String redactedConfig(Path config) {
        try {
            if (Files.size(config) > DiagLimits.MAX_CONFIG_BYTES) {
                return note(config + ": larger than " + DiagLimits.MAX_CONFIG_BYTES + " bytes; not included");
            }
            return ConfigRedaction.redact(Files.readString(config));
        } catch (IOException e) {
            return note(config + ": cannot read the file: " + e.getMessage());
        }
    }

    private String logTail(Path log) {
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ)) {
            long start = Math.max(0, channel.size() - DiagLimits.LOG_TAIL_BYTES);
            ByteBuffer buffer = ByteBuffer.allocate((int) (channel.size() - start));
            while (buffer.hasRemaining() && channel.read(buffer, start + buffer.position()) > 0) {
                // Reads until the end seen when the file was opened.
            }
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            // Logs carry no secrets by rule; the redaction is a second line of defence.
            return ConfigRedaction.redact(start > 0 ? text.substring(text.indexOf('\n') + 1) : text);
        } catch (IOException e) {
            return note(log + ": cannot read the log file: " + e.getMessage());
        }
    }

    private String admin(InetSocketAddress admin, String path) {
        URI uri = URI.create("http://" + admin.getHostString() + ":" + admin.getPort() + path);
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(DiagLimits.ADMIN_CONNECT_TIMEOUT)
                .build();
        try {
            HttpResponse<InputStream> response = client.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(DiagLimits.ADMIN_ANSWER_TIMEOUT)
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                byte[] text = body.readNBytes(DiagLimits.MAX_CAPTURE_BYTES);
                return "HTTP " + response.statusCode() + "\n" + new String(text, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return note(uri + ": " + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "; is the admin listener on at that address?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return note(uri + ": interrupted");
        }
    }

    private String threads() {
        if (request.pid().isEmpty()) {
            return note("threads: no --pid given; pass the pid of the running program to dump its threads");
        }
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return note("threads: " + jcmd + " is missing; this runtime has no jcmd (add the jdk.jcmd module)");
        }
        try {
            Process p = new ProcessBuilder(jcmd.toString(), request.pid().get().toString(), "Thread.print")
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readNBytes(DiagLimits.MAX_CAPTURE_BYTES);
            }
            if (!p.waitFor(DiagLimits.THREAD_DUMP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return note("threads: jcmd did not finish within " + DiagLimits.THREAD_DUMP_TIMEOUT.toSeconds() + " s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            return p.exitValue() == 0
                    ? text
                    : note("threads: jcmd " + request.pid().get() + " failed (exit " + p.exitValue()
                            + "; run diag as the program's user): " + text.strip());
        } catch (IOException e) {
            return note("threads: cannot run jcmd: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return note("threads: interrupted");
        }
    }

    private String versions() {
        return String.join(
                        "\n",
                        request.version(),
                        "written: " + Instant.now(),
                        "java: " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor")
                                + ")",
                        "vm: " + System.getProperty("java.vm.name"),
                        "os: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                                + System.getProperty("os.arch"),
                        "netty: " + nettyVersion(),
                        "tls: " + TlsContexts.describeProvider(),
                        "processors: " + Runtime.getRuntime().availableProcessors(),
                        "max heap: " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB")
                + "\n";
    }

    private static String nettyVersion() {
        return io.netty.util.Version.identify().values().stream()
                .filter(v -> v.artifactId().equals("netty-common"))
                .map(io.netty.util.Version::artifactVersion)
                .findFirst()
                .orElse("unknown");
    }

    private String note(String text) {
        notes.add(text);
        return text + "\n";
    }
}
