package dev.portless.bench.memory;

import java.util.ArrayList;
import java.util.List;

/**
 * The memory of a group of processes taken together (edge + connector, or ssh + sshd).
 *
 * @param rssKib     summed resident set size
 * @param heapKib    summed heap in use after GC, over the JVMs of the group
 * @param anyJvm     whether the group has a JVM, so the heap figure means something
 * @param processes  each process's own figures
 */
record MemorySample(long rssKib, long heapKib, boolean anyJvm, List<ProcessMemory> processes) {

    static MemorySample of(List<Long> pids) {
        List<ProcessMemory> each = new ArrayList<>();
        long rss = 0;
        long heap = 0;
        boolean jvm = false;
        for (long pid : pids) {
            ProcessMemory m = ProcessMemory.sample(pid);
            each.add(m);
            rss += m.rssKib();
            if (m.heapKib().isPresent()) {
                heap += m.heapKib().getAsLong();
                jvm = true;
            }
        }
        return new MemorySample(rss, heap, jvm, List.copyOf(each));
    }
}
