package dev.portless.bench.memory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory a process uses: resident set size from {@code /proc/PID/status}, and for a
 * JVM the Java heap in use after a full collection: the total of {@code jcmd PID GC.class_histogram},
 * which collects first and counts what is left in the same pause, so it is live objects only.
 *
 * @param pid      the process
 * @param rssKib   resident set size (VmRSS)
 * @param heapKib  Java heap in use after a full GC, empty for a process that is not a JVM
 */
public record ProcessMemory(long pid, long rssKib, OptionalLong heapKib) {
    private static final Pattern RSS = Pattern.compile("^VmRSS:\\s+(\\d+) kB", Pattern.MULTILINE);
    // The histogram ends with "Total <instances> <bytes>".
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("^Total\\s+\\d+\\s+(\\d+)\\s*$", Pattern.MULTILINE);

    /** Returns the memory of {@code pid} now; collects a JVM's garbage first. */
    public static ProcessMemory sample(long pid) {
        OptionalLong heap = isJvm(pid) ? OptionalLong.of(heapAfterGc(pid)) : OptionalLong.empty();
        return new ProcessMemory(pid, rss(pid), heap);
    }

    /** Returns the resident set size of {@code pid} in KiB. */
    public static long rss(long pid) {
        String status = read(Path.of("/proc", Long.toString(pid), "status"));
        Matcher m = RSS.matcher(status);
        if (!m.find()) {
            throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status (a kernel thread?)");
        }
        return Long.parseLong(m.group(1));
    }

    /** Returns whether {@code pid} runs a Java virtual machine. */
    public static boolean isJvm(long pid) {
        try {
            Path exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe"));
            return exe.getFileName().toString().equals("java");
        } catch (IOException e) {
            throw new IllegalStateException("process " + pid + " is not running or not ours: " + e.getMessage(), e);
        }
    }

    private static long heapAfterGc(long pid) {
        // The histogram's total counts the objects its own full collection left, in the same pause. Reading
        // GC.heap_info after a separate GC.run also counted what a busy process allocated in between (the
        // second jcmd takes a second under load): megabytes of noise that looked like a rising heap.
        String histogram = jcmd(pid, "GC.class_histogram");
        Matcher m = HISTOGRAM_TOTAL.matcher(histogram);
        if (!m.find()) {
            throw new IllegalStateException(
                    "cannot read the live heap of " + pid + " from the last line of jcmd GC.class_histogram");
        }
        return Long.parseLong(m.group(1)) / 1024;
    }

    private static String jcmd(long pid, String command) {
        try {
            Process p = new ProcessBuilder(jcmdExecutable(), Long.toString(pid), command)
                    .redirectErrorStream(true)
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(
                        "jcmd " + pid + " " + command + " failed: " + new String(out, StandardCharsets.UTF_8).trim());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run jcmd (install a JDK, not only a JRE)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running jcmd", e);
        }
    }

    private static String jcmdExecutable() {
        Path beside = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        return Files.isExecutable(beside) ? beside.toString() : "jcmd";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": is the process still running?", e);
        }
    }
}
