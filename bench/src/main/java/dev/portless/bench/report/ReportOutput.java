package dev.portless.bench.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The common end of a report command: the markdown printed, saved under a title, and the exit code that
 * says whether every route produced every figure.
 */
public final class ReportOutput {
    private ReportOutput() {}

    /**
     * Prints {@code md}, saves it as {@code outDir/fileName} under {@code title} when {@code outDir} is set,
     * and returns 3 (naming what is missing on stderr) when {@code requireAll} and {@code missing} is not
     * empty, else 0.
     */
    public static int emit(
            CommandSpec spec,
            String md,
            Path outDir,
            String fileName,
            String title,
            List<String> missing,
            boolean requireAll)
            throws IOException {
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

    /** Returns the machine record in {@code file} as the table's closing paragraph, or "" without one. */
    public static String machine(Path file) throws IOException {
        return file == null ? "" : "\n" + Files.readString(file).strip() + "\n";
    }
}
