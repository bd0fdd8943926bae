package dev.portless.connector.run;

import static java.util.Objects.requireNonNull;

import dev.portless.common.mux.Http2Keepalive;
import dev.portless.common.net.HostResolver;
import dev.portless.common.net.Transport;
import dev.portless.common.tls.KeyExchange;
import dev.portless.common.tls.TlsContexts;
import dev.portless.common.wire.StreamError;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.run.check.CheckFailure;
import dev.portless.connector.run.check.CheckRow;
import dev.portless.connector.run.check.CheckStep;
import dev.portless.connector.run.check.StartupReport;
import dev.portless.connector.tunnel.StreamRefusal;
import dev.portless.connector.tunnel.TunnelCredentials;
import dev.portless.connector.tunnel.TunnelHttp2;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The start-up check of {@code connector run}: for every edge it resolves the name, opens TCP, completes
 * TLS and presents the tunnel credentials once, then closes, so that a wrong setting is named before the
 * connector settles into redialing it forever.
 */
public final class EdgeProbe {
    private final ConnectorConfig config;
    private final TunnelCredentials credentials;

    /** Returns a probe of the edges of {@code config} with {@code credentials}. */
    public EdgeProbe(ConnectorConfig config, TunnelCredentials credentials) {
        this.config = requireNonNull(config, "config");
        this.credentials = requireNonNull(credentials, "credentials");
    }

    /** Checks every edge in turn; blocks the calling thread, which must not be an event loop. */
    public StartupReport check() {
        SslContext tls = TlsContexts.client(config.edgeCaFile(), TunnelProtocol.ALPN);
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(1, "connector-check");
        HostResolver names = HostResolver.withDaemonThreads("connector-check-resolver", 1);
        try (EdgeNames edgeNames = EdgeNames.of(config)) {
            List<CheckRow> rows = new ArrayList<>();
            for (EdgeAddress edge : config.edges()) {
                rows.addAll(new EdgeSteps(edge, tls, transport, group, names, edgeNames).run());
            }
            return new StartupReport(rows);
        } finally {
            group.shutdownGracefully(0, ConnectorLimits.SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The four steps against one edge; stops at the first failure. */
    private final class EdgeSteps {
        private final EdgeAddress edge;
        private final String name;
        private final SslContext tls;
        private final Transport transport;
        private final EventLoopGroup group;
        private final HostResolver names;
        private final EdgeNames edgeNames;
        private final List<CheckRow> rows = new ArrayList<>();

        EdgeSteps(
                EdgeAddress edge,
                SslContext tls,
                Transport transport,
                EventLoopGroup group,
                HostResolver names,
                EdgeNames edgeNames) {
            this.edgeNames = edgeNames;
            this.edge = edge;
            this.name = edge.toString();
            this.tls = tls;
            this.transport = transport;
            this.group = group;
            this.names = names;
        }

        /** Returns the edge's first address: at edge-dns-server when set (this thread may block), else off-loop. */
        private Future<InetSocketAddress> resolve() {
            if (config.edgeDnsServer().isEmpty() || !EdgeNames.isName(edge.host())) {
                return names.resolve(group.next(), edge.host(), edge.port());
            }
            try {
                return group.next().newSucceededFuture(edgeNames.first(edge.host(), edge.port()));
            } catch (UnknownHostException e) {
                return group.next().newFailedFuture(e);
            }
        }

        List<CheckRow> run() {
            Duration timeout = config.dialTimeout();
            Future<InetSocketAddress> address = resolve();
            if (!address.awaitUninterruptibly(timeout.toMillis()) || !address.isSuccess()) {
                return fail(
                        CheckStep.DNS,
                        "the name " + edge.host() + " does not resolve"
                                + (address.isDone() ? "" : " within " + timeout.toSeconds() + " s"),
                        CheckFailure.temporary("check the edge's name in connector.yml and this machine's DNS"
                                + " (/etc/resolv.conf); the connector starts once one edge resolves"));
            }
            InetSocketAddress resolved = address.getNow();
            rows.add(CheckRow.pass(name, CheckStep.DNS, resolved.getAddress().getHostAddress()));

            Promise<String> verdict = group.next().newPromise();
            ChannelFuture connect = new Bootstrap()
                    .group(group)
                    .channel(transport.socketChannel())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                    .handler(new TunnelClientInitializer(
                            tls, config.edgeServerName().orElse(edge.host()), edge.port(), timeout, new Alpn(verdict)))
                    .connect(resolved);
            connect.awaitUninterruptibly();
            if (!connect.isSuccess()) {
                return fail(
                        CheckStep.TCP,
                        "cannot connect to " + resolved + ": " + rootMessage(connect.cause()),
                        CheckFailure.temporary("start the edge, or open TCP port " + edge.port()
                                + " from this machine to it (firewall, security group, proxy)"));
            }
            Channel channel = connect.channel();
            try {
                rows.add(CheckRow.pass(name, CheckStep.TCP, "connected to " + resolved));
                Future<Channel> handshake =
                        channel.pipeline().get(SslHandler.class).handshakeFuture();
                handshake.awaitUninterruptibly();
                if (!handshake.isSuccess()) {
                    return fail(
                            CheckStep.TLS,
                            "handshake failed: " + rootMessage(handshake.cause()),
                            tlsRemedy(handshake.cause()));
                }
                if (!verdict.awaitUninterruptibly(ConnectorLimits.REGISTER_TIMEOUT.toMillis())) {
                    return fail(
                            CheckStep.CREDENTIALS,
                            "the edge did not answer the registration within "
                                    + ConnectorLimits.REGISTER_TIMEOUT.toSeconds() + " s",
                            CheckFailure.temporary("check that this is the edge's tunnel port and that the edge is"
                                    + " not overloaded"));
                }
                if (!verdict.isSuccess()) {
                    String why = rootMessage(verdict.cause());
                    return why.startsWith(NO_H2)
                            ? fail(
                                    CheckStep.TLS,
                                    why,
                                    CheckFailure.config(
                                            "point edge: at the edge's tunnel port, not" + " its client (HTTPS) port"))
                            : fail(
                                    CheckStep.CREDENTIALS,
                                    why,
                                    CheckFailure.temporary("check that the edge is running and reachable"));
                }
                SslHandler ssl = channel.pipeline().get(SslHandler.class);
                rows.add(CheckRow.pass(
                        name, CheckStep.TLS, ssl == null ? "HTTP/2 agreed" : KeyExchange.describe(ssl) + ", HTTP/2"));
                if (!TunnelProtocol.REGISTERED.equals(verdict.getNow())) {
                    return fail(
                            CheckStep.CREDENTIALS,
                            "the edge refused tunnel " + credentials.tunnelName() + ": " + verdict.getNow(),
                            CheckFailure.credentials("use the credentials of a tunnel this edge knows (connector"
                                    + " tunnel create on the edge, then --token-file or credentials-file)"));
                }
                rows.add(
                        CheckRow.pass(name, CheckStep.CREDENTIALS, "tunnel " + credentials.tunnelName() + " accepted"));
                return rows;
            } finally {
                channel.close().awaitUninterruptibly(timeout.toMillis());
            }
        }

        private List<CheckRow> fail(CheckStep step, String detail, CheckFailure failure) {
            rows.add(CheckRow.fail(name, step, failure, detail));
            return rows;
        }
    }

    private static final String NO_H2 = "the edge did not agree on HTTP/2";

    private static CheckFailure tlsRemedy(Throwable cause) {
        String message = rootMessage(cause).toLowerCase(Locale.ROOT);
        if (message.contains("no subject alternative") || message.contains("no name matching")) {
            return CheckFailure.config("the edge's certificate does not name the edge: set edge-server-name in"
                    + " connector.yml to a name the certificate holds, or reissue the certificate");
        }
        if (message.contains("timed out")) {
            return CheckFailure.temporary(
                    "check that the port is the edge's tunnel port and the edge is not" + " overloaded");
        }
        return CheckFailure.config("the edge's certificate is not trusted: set edge-ca in connector.yml to the CA"
                + " that issued it (a PEM file)");
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** Installs HTTP/2 once TLS agreed on it and answers the edge's register request; fails the verdict otherwise. */
    private final class Alpn extends ApplicationProtocolNegotiationHandler {
        private final Promise<String> verdict;

        Alpn(Promise<String> verdict) {
            super("none");
            this.verdict = verdict;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (!TunnelProtocol.ALPN.equals(protocol)) {
                verdict.tryFailure(new IllegalStateException(NO_H2 + " (ALPN " + protocol + ")"));
                ctx.close();
                return;
            }
            ctx.pipeline().addLast("h2", TunnelHttp2.connectorCodec());
            ctx.pipeline().addLast("idle", Http2Keepalive.idleState());
            ctx.pipeline().addLast("keepalive", new Http2Keepalive("Start-up check"));
            ctx.pipeline().addLast("streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel stream) {
                    stream.pipeline().addLast(new RegisterOnly(verdict));
                }
            }));
            ctx.channel()
                    .closeFuture()
                    .addListener(f -> verdict.tryFailure(new IllegalStateException(
                            "the edge closed the connection before answering the registration")));
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            verdict.tryFailure(cause);
            ctx.close();
        }
    }

    /** Answers the register request; refuses any stream the edge tries to open on the probe. */
    private final class RegisterOnly extends ChannelInboundHandlerAdapter {
        private final Promise<String> verdict;

        RegisterOnly(Promise<String> verdict) {
            this.verdict = verdict;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame frame
                    && frame.headers().path() != null
                    && TunnelProtocol.REGISTER_PATH.contentEquals(
                            frame.headers().path())) {
                ReferenceCountUtil.release(msg);
                RegistrationResponder responder = new RegistrationResponder(
                        credentials, new ConnectorIdentity("start-up check", ""), verdict::trySuccess, true);
                ctx.pipeline().replace(this, "register", responder);
                responder.answer(ctx.pipeline().context(responder));
                return;
            }
            ReferenceCountUtil.release(msg);
            if (msg instanceof Http2HeadersFrame) {
                StreamRefusal.refuse(
                        ctx.channel(), StreamError.CONNECTOR_DRAINING, "The connector is still checking its edges.");
            }
        }
    }
}
