package dev.portless.bench.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every report command takes (the results file, the machine record, where to save, whether a
 * missing figure fails) and the common end of such a command: the markdown printed, saved under a title,
 * and the exit code that says whether every route produced every figure.
 */
public final class ReportOptions {
    @Spec(Spec.Target.MIXEE)
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
            description = "markdown lines describing the machine and sizes, copied under the table")
    Path machineFile;

    @Option(names = "--out-dir", paramLabel = "DIR", description = "where to write the table and its files")
    Path outDir;

    @Option(names = "--require-all", description = "exit 3 if any route lacks a figure it should have")
    boolean requireAll;

    /** Returns the results file to read. */
    public Path resultsFile() {
        return resultsFile;
    }

    /** Returns where the table's files go, or null when only printing. */
    public Path outDir() {
        return outDir;
    }

    /** Returns the machine record as the table's closing paragraph, or "" without one. */
    public String machine() throws IOException {
        return machineFile == null ? "" : "\n" + Files.readString(machineFile).strip() + "\n";
    }

    /**
     * Prints {@code md}, saves it as {@code fileName} under {@code title} in the output directory when one
     * is set, and returns 3 (naming what is missing on stderr) when every figure is required and
     * {@code missing} is not empty, else 0.
     */
    public int emit(String md, String fileName, String title, List<String> missing) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        out.print(md);
        out.flush();
        if (outDir != null) {
            Files.createDirectories(outDir);
            Files.writeString(outDir.resolve(fileName), "# " + title + "\n\n" + md);
        }
        if (requireAll && !missing.isEmpty()) {
            spec.commandLine()
                    .getErr()
                    .println("bench " + spec.name() + ": no result for " + String.join(", ", missing)
                            + "; see the bench log above for the failing step.");
            return 3;
        }
        return 0;
    }
}
