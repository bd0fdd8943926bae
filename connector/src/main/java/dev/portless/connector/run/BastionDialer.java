package dev.portless.connector.run;

import dev.portless.common.net.HostResolver;
import dev.portless.common.wire.StreamError;
import dev.portless.connector.ingress.BastionDecision;
import dev.portless.connector.ingress.BastionService;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector's handling of a stream to a bastion rule: check the stream's jump destination against the
 * rule's allow-list, resolve a name off the event loop, check the address it resolved to, and dial it.
 */
final class BastionDialer {
    private static final Logger log = LoggerFactory.getLogger(BastionDialer.class);

    private final HostResolver resolver;
    private final TargetDialer targets;

    BastionDialer(HostResolver resolver, TargetDialer targets) {
        this.resolver = resolver;
        this.targets = targets;
    }

    /** Dials {@code jump} for the stream if {@code bastion} allows it, else refuses the stream with why. */
    void dial(
            Channel stream,
            String hostname,
            String streamId,
            BastionService bastion,
            String jump,
            Duration timeout,
            String resumableFor) {
        if (jump == null || jump.isEmpty()) {
            TargetDialer.refuse(
                    stream,
                    StreamError.BAD_REQUEST,
                    hostname + " is a bastion and the stream names no destination; pass one, e.g. "
                            + "access tcp --destination host:port.");
            return;
        }
        BastionDecision decision = bastion.check(jump);
        if (decision instanceof BastionDecision.Resolve name) {
            Future<InetSocketAddress> address = resolver.resolve(
                    stream.eventLoop(),
                    name.destination().host(),
                    name.destination().port());
            address.addListener(f -> {
                if (!address.isSuccess()) {
                    TargetDialer.refuse(
                            stream,
                            StreamError.TARGET_UNRESOLVED,
                            "The destination host " + name.destination().host()
                                    + " does not resolve on the connector's machine; check the name.");
                } else {
                    act(
                            stream,
                            hostname,
                            streamId,
                            bastion.checkResolved(name, address.getNow().getAddress()),
                            timeout,
                            resumableFor);
                }
            });
        } else {
            act(stream, hostname, streamId, decision, timeout, resumableFor);
        }
    }

    private void act(
            Channel stream,
            String hostname,
            String streamId,
            BastionDecision decision,
            Duration timeout,
            String resumableFor) {
        if (decision instanceof BastionDecision.Dial dial) {
            targets.connect(
                    stream,
                    hostname,
                    streamId,
                    dial.destination().toString(),
                    timeout,
                    new InetSocketAddress(dial.address(), dial.destination().port()),
                    resumableFor);
        } else if (decision instanceof BastionDecision.Refused refused) {
            log.warn("stream={} app={} bastion refused: {}", streamId, hostname, refused.reason());
            TargetDialer.refuse(
                    stream,
                    StreamError.DESTINATION_REFUSED,
                    "The connector's bastion rule for " + hostname + " refused the destination: " + refused.reason()
                            + ".");
        } else {
            throw new IllegalStateException("a resolved destination needs no second lookup: " + decision);
        }
    }
}
