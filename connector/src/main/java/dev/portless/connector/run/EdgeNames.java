package dev.portless.connector.run;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The look-up of every address an edge's name has, at the system's resolver or at {@code edge-dns-server}.
 * A look-up blocks its caller: call it off the event loops.
 */
final class EdgeNames implements AutoCloseable {
    private final Optional<DnsNameResolver> server;
    private final Optional<EventLoopGroup> serverLoop;

    private EdgeNames(Optional<DnsNameResolver> server, Optional<EventLoopGroup> serverLoop) {
        this.server = server;
        this.serverLoop = serverLoop;
    }

    /** Returns the look-up {@code config} asks for: its {@code edge-dns-server}, else the system's resolver. */
    static EdgeNames of(ConnectorConfig config) {
        requireNonNull(config, "config");
        if (config.edgeDnsServer().isEmpty()) {
            return new EdgeNames(Optional.empty(), Optional.empty());
        }
        // A loop of its own: its datagram channel must match its loop's transport, and it only waits on the network.
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        DnsNameResolver resolver = new DnsNameResolverBuilder(loop.next())
                .datagramChannelType(NioDatagramChannel.class)
                .nameServerProvider(new SingletonDnsServerAddressStreamProvider(
                        config.edgeDnsServer().get()))
                // Every look-up asks the server: following added and removed addresses is the point.
                .resolveCache(NoopDnsCache.INSTANCE)
                .hostsFileEntriesResolver((host, types) -> null)
                .resolvedAddressTypes(ResolvedAddressTypes.IPV4_PREFERRED)
                .queryTimeoutMillis(ConnectorLimits.EDGE_DNS_QUERY_TIMEOUT.toMillis())
                .build();
        return new EdgeNames(Optional.of(resolver), Optional.of(loop));
    }

    /** Returns whether {@code host} needs a look-up: it is a name, not an IP address. */
    static boolean isName(String host) {
        return !NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host);
    }

    /**
     * Returns the addresses of {@code host} of one family, the family of the first answer (so a name with both
     * {@code 127.0.0.1} and {@code ::1} is dialled once, where the edge most likely listens), in answer order.
     *
     * @throws UnknownHostException when the name does not resolve
     */
    List<InetAddress> lookup(String host) throws UnknownHostException {
        requireNonNull(host, "host");
        List<InetAddress> all = server.isPresent() ? askServer(server.get(), host) : askSystem(host);
        if (all.isEmpty()) {
            throw new UnknownHostException(host + ": no address");
        }
        boolean v4 = all.get(0) instanceof Inet4Address;
        return all.stream()
                .filter(a -> (a instanceof Inet4Address) == v4)
                .distinct()
                .toList();
    }

    /** Returns the first address {@code lookup} gives, with {@code port}. */
    InetSocketAddress first(String host, int port) throws UnknownHostException {
        return new InetSocketAddress(lookup(host).get(0), port);
    }

    private static List<InetAddress> askSystem(String host) throws UnknownHostException {
        return Arrays.asList(InetAddress.getAllByName(host));
    }

    private static List<InetAddress> askServer(DnsNameResolver resolver, String host) throws UnknownHostException {
        Future<List<InetAddress>> answer = resolver.resolveAll(host);
        try {
            // The resolver times out its own queries; this bound only guards against a lost callback.
            return answer.get(ConnectorLimits.EDGE_DNS_QUERY_TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnknownHostException(host + ": interrupted while looking it up");
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new UnknownHostException(host + ": " + cause.getMessage());
        }
    }

    @Override
    public void close() {
        server.ifPresent(DnsNameResolver::close);
        serverLoop.ifPresent(l -> l.shutdownGracefully(0, 1, TimeUnit.SECONDS));
    }

    /** Returns a short description for logs: which resolver answers. */
    @Override
    public String toString() {
        return server.isPresent() ? "the DNS server in edge-dns-server" : "the system's resolver";
    }
}
