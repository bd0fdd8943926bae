package dev.portless.bench.memory;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench memory}: RSS and (for JVMs) heap after GC of some processes, now. */
@Command(
        name = "memory",
        mixinStandardHelpOptions = true,
        description = "Print RSS and, for JVMs, heap in use after a full GC, in KiB.")
public final class MemoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--pids", required = true, split = ",", paramLabel = "PID", description = "processes to sample")
    List<Long> pids;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        MemorySample s = MemorySample.of(pids);
        for (ProcessMemory m : s.processes()) {
            out.println("pid_" + m.pid() + "_rss_kib " + m.rssKib());
            m.heapKib().ifPresent(h -> out.println("pid_" + m.pid() + "_heap_kib " + h));
        }
        out.println("rss_kib " + s.rssKib());
        if (s.anyJvm()) {
            out.println("heap_kib " + s.heapKib());
        }
        out.flush();
        return 0;
    }
}
