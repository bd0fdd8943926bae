package dev.portless.bench.web;

import dev.portless.bench.report.ReportOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench web-report}: turns the HTTP route's lines of results.tsv into the markdown table (printed
 * and saved as results-http.md). With {@code --require-all} it fails when a route did not produce a
 * figure, which is how the smoke run catches a broken route.
 */
@Command(
        name = "web-report",
        mixinStandardHelpOptions = true,
        description = "Print the HTTP route's markdown table and write results-http.md.")
public final class WebReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--results",
            required = true,
            paramLabel = "FILE",
            description = "results.tsv written by scripts/bench")
    Path resultsFile;

    @Option(names = "--machine", paramLabel = "FILE", description = "markdown lines describing the machine and sizes")
    Path machineFile;

    @Option(names = "--out-dir", paramLabel = "DIR", description = "where to write results-http.md")
    Path outDir;

    @Option(names = "--require-all", description = "exit 3 if any route lacks a figure")
    boolean requireAll;

    @Override
    public Integer call() throws IOException {
        WebResults results = WebResults.read(resultsFile);
        StringBuilder md = new StringBuilder();
        md.append(WebTable.render(results)).append('\n');
        md.append("Medians of the runs, with (min–max) across runs; ratios divide Portless's median by the other"
                + " route's. ");
        md.append(WebTable.verdicts(results)).append('\n');
        md.append(ReportOutput.machine(machineFile));
        return ReportOutput.emit(
                spec,
                md.toString(),
                outDir,
                "results-http.md",
                "Web apps: nginx vs nginx as a proxy vs Portless on loopback",
                results.missing(),
                requireAll);
    }
}
