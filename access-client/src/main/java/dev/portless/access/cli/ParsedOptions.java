package dev.portless.access.cli;

import dev.portless.access.limits.AccessLimits;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * The agent's parsed options of one command, by argument list. picocli builds a command's model by
 * reflection on every {@code new CommandLine}, which cost a warm agent 10 to 60 ms per front, more than
 * the rest of a stream's set-up on the agent's side; fronts repeat the same arguments (ssh's ProxyCommand
 * for one host), so each list is parsed once. picocli sets a command's fields during its parse only and
 * the agent only reads them afterwards, so fronts may share one parsed command. The parse reads nothing
 * but the arguments (the front's environment is read when a dialer is made), so the list is the whole key.
 */
final class ParsedOptions<T> {
    private final Supplier<T> command;
    private final Map<List<String>, T> byArguments = new ConcurrentHashMap<>();

    /** Returns a cache of the options of the commands {@code command} makes. */
    ParsedOptions(Supplier<T> command) {
        this.command = command;
    }

    /**
     * Returns the command with {@code arguments} parsed into it.
     *
     * @throws CommandLine.ParameterException with picocli's sentence when the arguments are wrong
     */
    T parse(List<String> arguments) {
        T parsed = byArguments.get(arguments);
        if (parsed != null) {
            return parsed;
        }
        T fresh = command.get();
        new CommandLine(fresh).parseArgs(arguments.toArray(String[]::new));
        if (byArguments.size() >= AccessLimits.AGENT_PARSED_ARGUMENT_LISTS) {
            // Many distinct lists means a script with many hosts: dropping them all keeps the bound simple.
            byArguments.clear();
        }
        byArguments.put(List.copyOf(arguments), fresh);
        return fresh;
    }
}
