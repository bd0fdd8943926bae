package dev.portless.common.net;

import static java.util.Objects.requireNonNull;

import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The name lookup of the hosts a program dials, kept off the event loops: the system resolver
 * blocks, and so would Netty's default resolver, which a connect to an unresolved address uses on
 * the loop itself. An IP literal needs no lookup and resolves at once.
 */
public final class HostResolver {
    private final Executor lookups;

    /** Creates a resolver whose lookups run on {@code lookups}, never an event loop. */
    public HostResolver(Executor lookups) {
        this.lookups = requireNonNull(lookups, "lookups");
    }

    /**
     * Returns a resolver with up to {@code threads} daemon threads named {@code threadName}, which end
     * after 30 s without work.
     */
    public static HostResolver withDaemonThreads(String threadName, int threads) {
        requireNonNull(threadName, "threadName");
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
        }
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, threadName);
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return new HostResolver(pool);
    }

    /**
     * Returns the address of {@code host} and {@code port}, as a future whose listeners run on
     * {@code loop}; it fails with an {@link UnknownHostException} when the host does not resolve.
     */
    public Future<InetSocketAddress> resolve(EventExecutor loop, String host, int port) {
        requireNonNull(loop, "loop");
        requireNonNull(host, "host");
        final String ambiguous = IpLiterals.ambiguousIpv4Problem(host);
        if (ambiguous != null) {
            // The JDK would read "0177.0.0.1" as 177.0.0.1 where curl and ping read 127.0.0.1.
            return loop.newFailedFuture(new UnknownHostException(ambiguous));
        }
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(host);
        if (literal != null) {
            return loop.newSucceededFuture(new InetSocketAddress(literal, port));
        }
        Promise<InetSocketAddress> address = loop.newPromise();
        try {
            lookups.execute(() -> {
                try {
                    address.trySuccess(new InetSocketAddress(InetAddress.getByName(host), port));
                } catch (UnknownHostException | RuntimeException e) {
                    address.tryFailure(e);
                }
            });
        } catch (RejectedExecutionException e) {
            address.tryFailure(e);
        }
        return address;
    }
}
