package dev.portless.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench report}: turns results.tsv into the markdown table (printed and saved as
 * results.md) and the chart's gnuplot files. With {@code --require-all} it fails when a route did
 * not produce a figure it should have, which is how the smoke run catches a broken path.
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Print the markdown results table and write results.md, chart.dat and chart.gp.")
public final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--results",
            required = true,
            paramLabel = "FILE",
            description = "results.tsv written by scripts/bench")
    Path resultsFile;

    @Option(
            names = "--machine",
            paramLabel = "FILE",
            description = "markdown lines describing the machine, copied under the table")
    Path machineFile;

    @Option(names = "--out-dir", paramLabel = "DIR", description = "where to write results.md, chart.dat and chart.gp")
    Path outDir;

    @Option(
            names = "--title",
            defaultValue = "Portless vs ssh -L vs direct TCP on loopback",
            description = "chart and table title")
    String title;

    @Option(names = "--require-all", description = "exit 3 if any route lacks a figure it should have")
    boolean requireAll;

    @Override
    public Integer call() throws IOException {
        Results results = Results.read(resultsFile);
        StringBuilder md = new StringBuilder();
        md.append(MarkdownTable.render(results)).append('\n');
        md.append("Medians of the runs, with (min–max) across runs; ratios divide Portless's median by the other"
                + " route's, so above 1× is more throughput, or more time or memory. ");
        md.append(MarkdownTable.verdicts(results)).append('\n');
        md.append(ReportOutput.machine(machineFile));
        if (outDir != null) {
            Files.createDirectories(outDir);
            Files.writeString(outDir.resolve("chart.dat"), Chart.data(results));
            Files.writeString(outDir.resolve("chart.gp"), Chart.script(title));
        }
        return ReportOutput.emit(spec, md.toString(), outDir, "results.md", title, results.missing(), requireAll);
    }
}
