package dev.portless.access.agent;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a front asks the agent for: the {@code access} arguments it was started with (e.g.
 * {@code ssh --hostname db.example.com}) and the part of its environment that decides how to reach
 * the edge and how to sign in (the edge, its CA, the display, the SSH session).
 */
public record AgentRequest(List<String> args, Map<String, String> env) {
    /** The commands whose front holds a forward (a local listener) rather than carrying one stream. */
    private static final Set<String> FORWARDS = Set.of("tcp", "rdp", "smb");

    /** Returns a request of {@code args} in {@code env}. */
    public AgentRequest {
        args = List.copyOf(requireNonNull(args, "args"));
        env = Map.copyOf(requireNonNull(env, "env"));
    }

    /** Returns the command word, e.g. {@code ssh}, or the empty string when there are no arguments. */
    public String command() {
        return args.isEmpty() ? "" : args.get(0);
    }

    /** Returns whether the front asks for a forward that lives as long as its connection to the agent. */
    public boolean holdsForward() {
        return FORWARDS.contains(command());
    }
}
