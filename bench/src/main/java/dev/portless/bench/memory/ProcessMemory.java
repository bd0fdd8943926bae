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
 * JVM the Java heap in use after a full collection, from {@code jcmd PID GC.heap_info}. The heap
 * figure is live objects only, because the collection runs first.
 *
 * @param pid      the process
 * @param rssKib   resident set size (VmRSS)
 * @param heapKib  Java heap in use after a full GC, empty for a process that is not a JVM
 */
public record ProcessMemory(long pid, long rssKib, OptionalLong heapKib) {
    private static final Pattern RSS = Pattern.compile("^VmRSS:\\s+(\\d+) kB", Pattern.MULTILINE);
    // Every collector prints its heap or generations as "... total NK, used NK"; Metaspace has no "total".
    private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");

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
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        long used = 0;
        boolean any = false;
        while (m.find()) {
            used += Long.parseLong(m.group(1));
            any = true;
        }
        if (!any) {
            throw new IllegalStateException("cannot read the heap of " + pid + " from jcmd GC.heap_info:\n" + info);
        }
        return used;
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
