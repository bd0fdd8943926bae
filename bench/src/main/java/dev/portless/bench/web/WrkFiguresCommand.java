package dev.portless.bench.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench wrk-figures}: reads what {@code wrk --latency} printed and prints its figures as
 * {@code name value} lines for results.tsv; fails when any request failed.
 */
@Command(
        name = "wrk-figures",
        mixinStandardHelpOptions = true,
        description = "Print requests/s, p50 and p99 of a wrk --latency output as name value lines.")
public final class WrkFiguresCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "wrk's output")
    Path file;

    @Option(
            names = "--prefix",
            required = true,
            paramLabel = "NAME",
            description = "figure name prefix, e.g. http_small")
    String prefix;

    @Override
    public Integer call() throws Exception {
        WrkOutput out = WrkOutput.parse(Files.readString(file));
        spec.commandLine().getOut().print(out.lines(prefix));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
