package dev.portless.access.agent;

import static java.util.Objects.requireNonNull;

import dev.portless.access.limits.AccessLimits;
import dev.portless.common.files.OwnerOnlyFiles;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's listeners: a unix socket in the owner's private directory and a loopback TCP port named in a 0600
 * file there, a fresh secret in a 0600 file beside them, and a lock that lets one agent at a time own them. It stops when told to, or once it
 * has had no front for its idle time.
 */
public final class AgentServer implements AgentControl {
    private final AgentPaths paths;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final Channel listener;
    private final Channel loopback;
    private final ChannelGroup fronts = new DefaultChannelGroup("agent-fronts", GlobalEventExecutor.INSTANCE);
    private final AtomicLong lastFrontNanos = new AtomicLong(System.nanoTime());
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    private AgentServer(AgentPaths paths, FileChannel lockFile, FileLock lock, Channel listener, Channel loopback) {
        this.paths = paths;
        this.lockFile = lockFile;
        this.lock = lock;
        this.listener = listener;
        this.loopback = loopback;
    }

    /**
     * Returns a started agent serving {@code service} on {@code group}, an epoll group: Netty's epoll transport
     * reads a unix socket's peer credentials and lets a front half-close its stream (its NIO one closes the
     * whole connection at the front's end of input).
     *
     * @throws AgentRunningException when another agent already holds {@code paths}
     * @throws IOException           with a sentence when the directory or the socket cannot be made
     */
    public static AgentServer start(AgentPaths paths, AgentService service, Duration idle, EventLoopGroup group)
            throws IOException {
        requireNonNull(paths, "paths");
        requireNonNull(service, "service");
        requireNonNull(idle, "idle");
        requireNonNull(group, "group");
        if (!Epoll.isAvailable()) {
            throw new IOException("the agent needs Linux's epoll for its unix socket, and it is not available here ("
                    + Epoll.unavailabilityCause() + "); use access without the agent (--no-agent)");
        }
        OwnerOnlyFiles.createPrivateDirectory(paths.directory());
        OwnerOnlyFiles.checkPrivateDirectory(paths.directory());
        FileChannel lockFile = OwnerOnlyFiles.openForAppend(paths.lock());
        FileLock lock;
        try {
            lock = lockFile.tryLock();
        } catch (OverlappingFileLockException e) {
            // This JVM holds it already: an agent runs in this very process.
            lock = null;
        }
        if (lock == null) {
            lockFile.close();
            throw new AgentRunningException(paths);
        }
        Channel listener = null;
        Channel loopback = null;
        try {
            int owner = (Integer) Files.getAttribute(paths.directory(), "unix:uid");
            String secret = HexFormat.of().formatHex(randomBytes());
            // Whatever an earlier agent left is stale now that this one holds the lock.
            Files.deleteIfExists(paths.socket());
            Files.deleteIfExists(paths.endpoint());
            OwnerOnlyFiles.write(paths.secret(), (secret + "\n").getBytes(StandardCharsets.US_ASCII));
            AgentServer[] self = new AgentServer[1];
            ChannelInitializer<Channel> frontPipeline = new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    self[0].admitted(ch);
                    ch.pipeline()
                            .addLast("lines", new LineBasedFrameDecoder(AccessLimits.AGENT_MAX_LINE))
                            .addLast(
                                    "handshake",
                                    new AgentFrontHandler(
                                            new AgentHandshake(secret, AccessLimits.AGENT_MAX_REQUEST_LINES),
                                            owner,
                                            AccessLimits.AGENT_HANDSHAKE_TIMEOUT,
                                            service,
                                            self[0]));
                }
            };
            listener = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerDomainSocketChannel.class)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childHandler(frontPipeline)
                    .bind(new DomainSocketAddress(paths.socket().toFile()))
                    .syncUninterruptibly()
                    .channel();
            // The ssh fronts' fast path: bash opens a loopback TCP connection by itself (/dev/tcp), with no
            // process started, and hands it to the one relay it starts; the secret is what admits a front there.
            loopback = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerSocketChannel.class)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(frontPipeline)
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .syncUninterruptibly()
                    .channel();
            // Before a front can find the endpoint: its connections are this server's.
            AgentServer server = new AgentServer(paths, lockFile, lock, listener, loopback);
            self[0] = server;
            Files.setPosixFilePermissions(paths.socket(), PosixFilePermissions.fromString("rw-------"));
            long pid = ProcessHandle.current().pid();
            OwnerOnlyFiles.write(paths.pid(), (pid + "\n").getBytes(StandardCharsets.US_ASCII));
            int port = ((InetSocketAddress) loopback.localAddress()).getPort();
            OwnerOnlyFiles.write(
                    paths.endpoint(),
                    (port + " " + pid + " " + ownStartTime() + "\n").getBytes(StandardCharsets.US_ASCII));
            Files.deleteIfExists(paths.starting());
            server.watchIdle(group, idle);
            return server;
        } catch (IOException | RuntimeException e) {
            if (listener != null) {
                listener.close();
            }
            if (loopback != null) {
                loopback.close();
            }
            lock.release();
            lockFile.close();
            throw e;
        }
    }

    /**
     * Returns this process's start time in clock ticks since boot (field 22 of /proc/self/stat): with the pid it
     * names this very process, so a front tells a live agent from a new process that got the same pid.
     */
    private static String ownStartTime() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return fields[19];
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private void admitted(Channel front) {
        fronts.add(front);
        lastFrontNanos.set(System.nanoTime());
        front.closeFuture().addListener(f -> lastFrontNanos.set(System.nanoTime()));
    }

    private void watchIdle(EventLoopGroup group, Duration idle) {
        long check = Math.max(1, Math.min(idle.toMillis() / 4, AccessLimits.AGENT_IDLE_CHECK.toMillis()));
        group.next()
                .scheduleAtFixedRate(
                        () -> {
                            if (fronts.isEmpty() && System.nanoTime() - lastFrontNanos.get() >= idle.toNanos()) {
                                stop();
                            }
                        },
                        check,
                        check,
                        TimeUnit.MILLISECONDS);
    }

    /** Returns the number of fronts connected now. */
    public int fronts() {
        return fronts.size();
    }

    /** Returns a future completed once the agent has stopped. */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    @Override
    public void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        try {
            // First, so that no front reads a port this agent is about to give up.
            Files.deleteIfExists(paths.endpoint());
        } catch (IOException e) {
            // A front checks the pid and start time in it as well, and this process is ending.
        }
        loopback.close();
        listener.close()
                .addListener(f -> fronts.close().addListener(g -> {
                    try {
                        Files.deleteIfExists(paths.socket());
                        Files.deleteIfExists(paths.secret());
                        Files.deleteIfExists(paths.pid());
                        lock.release();
                        lockFile.close();
                    } catch (IOException e) {
                        // The next agent replaces whatever is left; the lock goes with this process anyway.
                    }
                    stopped.complete(null);
                }));
    }

    /** Another agent of the same user runs already. */
    public static final class AgentRunningException extends IOException {
        private static final long serialVersionUID = 1L;

        AgentRunningException(AgentPaths paths) {
            super("an agent already runs for " + paths.directory() + "; `access agent stop` stops it");
        }
    }
}
