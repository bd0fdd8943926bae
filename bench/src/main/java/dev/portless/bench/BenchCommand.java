package dev.portless.bench;

import dev.portless.bench.cut.CutFlowCommand;
import dev.portless.bench.echo.EchoCommand;
import dev.portless.bench.memory.IdleStreamsCommand;
import dev.portless.bench.memory.MemoryCommand;
import dev.portless.bench.probe.LatencyCommand;
import dev.portless.bench.probe.RateCommand;
import dev.portless.bench.probe.SetupCommand;
import dev.portless.bench.profile.JfrTopCommand;
import dev.portless.bench.report.ReportCommand;
import dev.portless.bench.soak.SoakCommand;
import dev.portless.bench.web.WebReportCommand;
import dev.portless.bench.web.WrkFiguresCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Returns the {@code bench} command: the probes, the echo target, the memory sampler and the report
 * that {@code scripts/bench} puts together. Each probe prints {@code name value} lines on stdout,
 * one figure a line, and exits non-zero when the path it measures is broken.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Portless benchmark probes (run them through scripts/bench).",
        subcommands = {
            EchoCommand.class,
            LatencyCommand.class,
            SetupCommand.class,
            RateCommand.class,
            IdleStreamsCommand.class,
            MemoryCommand.class,
            ReportCommand.class,
            JfrTopCommand.class,
            WrkFiguresCommand.class,
            WebReportCommand.class,
            SoakCommand.class,
            CutFlowCommand.class
        })
public final class BenchCommand {

    /** Returns a command line whose failures print as one sentence on stderr and exit with 1. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr()
                    .println("bench " + parsed.subcommand().commandSpec().name() + ": "
                            + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return cl;
    }
}
