package dev.portless.bench.profile;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Returns {@code bench jfr-top}: the hottest methods of a JDK Flight Recording, as markdown. It
 * counts {@code jdk.ExecutionSample} (threads running Java code) by the method on top of the
 * stack ("self") and by every method on the stack ("total"), and {@code jdk.NativeMethodSample}
 * (threads inside native code such as BoringSSL or a socket write) by the native method and its
 * Java caller. Threads parked in {@code epoll_wait} (Netty's native transport or the JDK's selector)
 * are idle, not busy, and are left out.
 */
@Command(
        name = "jfr-top",
        mixinStandardHelpOptions = true,
        description = "Summarize a JFR file: hottest methods (self and total) and native calls, as markdown.")
public final class JfrTopCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "the .jfr recording")
    Path file;

    @Option(names = "--top", defaultValue = "15", description = "rows per list (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--title", defaultValue = "", description = "heading of the summary")
    String title;

    @Override
    public Integer call() throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> nativeCalls = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int samples = 0;
        int nativeSamples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            RecordedStackTrace stack = e.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = stack.getFrames();
            if (type.equals("jdk.ExecutionSample")) {
                samples++;
                self.merge(name(frames.get(0)), 1, Integer::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : frames) {
                    String n = name(f);
                    if (seen.add(n)) {
                        total.merge(n, 1, Integer::sum);
                    }
                }
                RecordedThread t = e.getThread("sampledThread");
                threads.merge(threadGroup(t == null ? "?" : t.getJavaName()), 1, Integer::sum);
            } else if (type.equals("jdk.NativeMethodSample")) {
                String top0 = name(frames.get(0));
                if (isIdle(top0)) {
                    continue;
                }
                nativeSamples++;
                String caller = frames.size() > 1 ? name(frames.get(1)) : "";
                nativeCalls.merge(top0 + " ← " + caller, 1, Integer::sum);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("### " + (title.isEmpty() ? file.getFileName().toString() : title));
        out.println();
        out.println(
                samples + " Java execution samples, " + nativeSamples + " busy native samples (epoll waits left out).");
        out.println();
        table(out, "Java threads by name", threads, samples);
        table(out, "Hottest methods, self", self, samples);
        table(out, "Hottest methods, total (on the stack)", total, samples);
        table(out, "Busy native methods ← Java caller", nativeCalls, nativeSamples);
        out.flush();
        return 0;
    }

    private void table(PrintWriter out, String heading, Map<String, Integer> counts, int of) {
        out.println("| " + heading + " | share |");
        out.println("|---|--:|");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                .limit(top)
                .forEach(en -> out.println("| `" + en.getKey() + "` | "
                        + String.format(Locale.ROOT, "%.1f%%", 100.0 * en.getValue() / Math.max(1, of)) + " |"));
        out.println();
    }

    private static String name(RecordedFrame f) {
        if (f.getMethod() == null) {
            return "?";
        }
        String type =
                f.getMethod().getType() == null ? "?" : f.getMethod().getType().getName();
        int dot = type.lastIndexOf('.');
        return (dot < 0 ? type : type.substring(dot + 1)) + "." + f.getMethod().getName();
    }

    /** Returns a thread's name without its number, so the loops of one group count together. */
    private static String threadGroup(String name) {
        return name.replaceAll("-\\d+(-\\d+)*$", "-N");
    }

    private static boolean isIdle(String method) {
        return method.contains("epollWait")
                || method.contains("epollBusyWait")
                || method.contains("EPoll.wait")
                || method.contains("Thread.sleep")
                || method.contains("Object.wait")
                || method.contains("Unsafe.park")
                || method.contains("accept");
    }
}
