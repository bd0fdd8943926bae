package dev.portless.access.agent;

import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;

/** What the agent does for an accepted front: open the stream or the forward it names, or describe itself. */
public interface AgentService {

    /**
     * Returns a future of the stream {@code request} names, opened on {@code loop} with reads off; it
     * fails with an exception whose message is the sentence for the user. Anything to tell the user
     * before the stream opens, a sign-in included, goes to {@code terminal}.
     */
    CompletableFuture<AgentStream> open(AgentRequest request, FrontTerminal terminal, EventLoop loop);

    /**
     * Returns a future of the forward {@code request} names (e.g. {@code tcp --hostname H --url L}), listening
     * once it completes; it fails with an exception whose message is the sentence for the user. What the forward
     * says (its listening line, each stream's end) goes to {@code terminal}.
     */
    CompletableFuture<AgentLease> forward(AgentRequest request, FrontTerminal terminal);

    /** Returns lines about the agent's state for {@code access agent status}, e.g. the edges it keeps open. */
    java.util.List<String> describe();
}
