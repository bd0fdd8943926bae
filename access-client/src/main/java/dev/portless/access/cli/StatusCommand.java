package dev.portless.access.cli;

import dev.portless.access.agent.AgentClient;
import dev.portless.access.agent.AgentPaths;
import dev.portless.access.edge.EdgeEndpoint;
import dev.portless.access.edge.EdgeTlsProbe;
import dev.portless.access.limits.AccessLimits;
import dev.portless.access.token.CachedToken;
import dev.portless.common.tls.TlsContexts;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code access status}: the saved sign-ins, who they are for, and how long each lasts; then, for each edge, the
 * TLS protocol and key exchange group a connection to it gets.
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "List the saved sign-ins: app, edge, identity and time left.")
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    AccessCommand parent;

    @Override
    public Integer call() throws InterruptedException {
        List<CachedToken> tokens = LoginOptions.cache(parent.env()).list();
        PrintWriter out = spec.commandLine().getOut();
        if (tokens.isEmpty()) {
            out.println("No saved sign-ins; `access login APP` signs in.");
            printAgent(out);
            out.flush();
            return 0;
        }
        Instant now = Instant.now();
        String[][] rows = new String[tokens.size() + 1][];
        rows[0] = new String[] {"APP", "EDGE", "IDENTITY", "TIME LEFT"};
        for (int i = 0; i < tokens.size(); i++) {
            CachedToken t = tokens.get(i);
            rows[i + 1] = new String[] {
                t.app(),
                t.edge(),
                t.identity().isEmpty() ? "-" : t.identity(),
                t.isFresh(now) ? timeLeft(t.timeLeft(now)) : "expired"
            };
        }
        int[] widths = new int[4];
        for (String[] row : rows) {
            for (int c = 0; c < 4; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < 4; c++) {
                line.append(c < 3 ? String.format("%-" + (widths[c] + 2) + "s", row[c]) : row[c]);
            }
            out.println(line);
        }
        printKeyExchanges(tokens, out);
        printAgent(out);
        out.flush();
        return 0;
    }

    private void printKeyExchanges(List<CachedToken> tokens, PrintWriter out) throws InterruptedException {
        String ca = parent.env().get(EdgeLocation.EDGE_CA_ENV);
        SslContext tls = TlsContexts.client(Optional.ofNullable(ca).map(Path::of), ApplicationProtocolNames.HTTP_1_1);
        for (String edge :
                tokens.stream().map(CachedToken::edge).distinct().sorted().toList()) {
            out.println("Edge " + edge + ": "
                    + EdgeTlsProbe.describe(EdgeEndpoint.parse(edge), tls, AccessLimits.STATUS_PROBE_TIMEOUT));
        }
    }

    private void printAgent(PrintWriter out) {
        AgentPaths agent = AgentPaths.resolve(parent.env());
        out.println(new AgentClient(agent, AccessLimits.AGENT_ANSWER_TIMEOUT)
                .status()
                .map(lines -> "Agent: running on " + agent.socket() + " (" + lines.get(0) + ")"
                        + lines.stream()
                                .filter(l -> l.startsWith("forward: "))
                                .map(l -> System.lineSeparator() + "  " + l)
                                .collect(Collectors.joining()))
                .orElse("Agent: not running; `access agent --daemon` starts one, `access ssh` and `access tcp` do"
                        + " on first use."));
    }

    /** Returns e.g. {@code 7h 59m}, {@code 12m}, {@code 40s}. */
    static String timeLeft(Duration d) {
        long h = d.toHours();
        long m = d.toMinutesPart();
        if (h > 0) {
            return h + "h " + m + "m";
        }
        return m > 0 ? m + "m" : d.toSeconds() + "s";
    }
}
