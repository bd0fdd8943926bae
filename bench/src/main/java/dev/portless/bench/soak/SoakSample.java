package dev.portless.bench.soak;

import dev.portless.bench.memory.ProcessMemory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One reading of a process during a soak: open descriptors, resident set, threads and, for a JVM,
 * the heap in use after a full collection.
 *
 * @param seconds  when, counted from the moment every stream was open
 * @param name     the process's role (edge, connector)
 * @param pid      the process
 * @param fds      entries of /proc/PID/fd
 * @param rssKib   VmRSS
 * @param threads  Threads of /proc/PID/status
 * @param heapKib  heap after GC, or -1 for a process that is not a JVM
 */
record SoakSample(double seconds, String name, long pid, long fds, long rssKib, long threads, long heapKib) {
    static final String TSV_HEADER = "seconds\tprocess\tpid\tfds\trss_kib\tthreads\theap_after_gc_kib";
    private static final Pattern THREADS = Pattern.compile("^Threads:\\s+(\\d+)", Pattern.MULTILINE);

    /** Reads {@code pid} now; runs a full GC in it first when it is a JVM. */
    static SoakSample take(double seconds, String name, long pid) {
        ProcessMemory memory = ProcessMemory.sample(pid);
        return new SoakSample(
                seconds,
                name,
                pid,
                fds(pid),
                memory.rssKib(),
                threads(pid),
                memory.heapKib().orElse(-1));
    }

    String tsv() {
        return String.format(
                java.util.Locale.ROOT,
                "%.1f\t%s\t%d\t%d\t%d\t%d\t%d",
                seconds,
                name,
                pid,
                fds,
                rssKib,
                threads,
                heapKib);
    }

    private static long fds(long pid) {
        try (Stream<Path> entries = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return entries.count();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot list /proc/" + pid + "/fd: is the process still running and ours?", e);
        }
    }

    private static long threads(long pid) {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        try {
            Matcher m = THREADS.matcher(Files.readString(status, StandardCharsets.UTF_8));
            if (!m.find()) {
                throw new IllegalStateException("no Threads line in " + status);
            }
            return Long.parseLong(m.group(1));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + status + ": is the process still running?", e);
        }
    }
}
