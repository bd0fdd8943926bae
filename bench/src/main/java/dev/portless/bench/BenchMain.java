package dev.portless.bench;

/**
 * The entry point of the bench probes that {@code scripts/bench} runs.
 */
public final class BenchMain {
    private BenchMain() {}

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(BenchCommand.commandLine().execute(args));
    }
}
