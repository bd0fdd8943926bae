package dev.portless.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
    @Mixin
    ReportOptions options;

    @Option(
            names = "--title",
            defaultValue = "Portless vs ssh -L vs direct TCP on loopback",
            description = "chart and table title")
    String title;

    @Override
    public Integer call() throws IOException {
        Results results = Results.read(options.resultsFile());
        StringBuilder md = new StringBuilder();
        md.append(MarkdownTable.render(results)).append('\n');
        md.append("Medians of the runs, with (min–max) across runs; ratios divide Portless's median by the other"
                + " route's, so above 1× is more throughput, or more time or memory. ");
        md.append(MarkdownTable.verdicts(results)).append('\n');
        md.append(options.machine());
        Path outDir = options.outDir();
        if (outDir != null) {
            Files.createDirectories(outDir);
            Files.writeString(outDir.resolve("chart.dat"), Chart.data(results));
            Files.writeString(outDir.resolve("chart.gp"), Chart.script(title));
        }
        return options.emit(md.toString(), "results.md", title, results.missing());
    }
}
