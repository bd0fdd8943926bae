package dev.portless.bench.web;

import dev.portless.bench.report.ReportOptions;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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
    @Mixin
    ReportOptions options;

    @Override
    public Integer call() throws IOException {
        WebResults results = WebResults.read(options.resultsFile());
        StringBuilder md = new StringBuilder();
        md.append(WebTable.render(results)).append('\n');
        md.append("Medians of the runs, with (min–max) across runs; ratios divide Portless's median by the other"
                + " route's. ");
        md.append(WebTable.verdicts(results)).append('\n');
        md.append(options.machine());
        return options.emit(
                md.toString(),
                "results-http.md",
                "Web apps: nginx vs nginx as a proxy vs Portless on loopback",
                results.missing());
    }
}
