package dev.portless.connector.edge.access;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;

/**
 * The check of a request head's raw bytes that the HTTP codec cannot make once it has parsed them:
 * an obs-folded header line (one starting with a space or tab, which the codec joins to the line
 * before), and a CR not followed by LF or a NUL anywhere in the request line or headers. Such a head
 * can be read two ways by two parsers; it is refused with 400 before it reaches the codec.
 *
 * <p>It checks the head of a request that begins a read from an idle connection, which is how
 * browsers and HTTP clients send (one request, then wait for the answer); {@link #expectHead} rearms
 * it. A request pipelined behind another in the same read is checked by the codec and
 * {@link RequestHeadRules} only: the edge re-encodes every request as HTTP/2 for the connector, so
 * nothing the raw bytes could hide reaches an origin unparsed.
 */
final class HeadBytesGuard extends ChannelInboundHandlerAdapter {
    // Touched from the connection's event loop only.
    private boolean scanning = true;
    private boolean cr;
    private int lineLength;
    private int lines;
    private String found;
    private final ByteProcessor scanner = this::next;

    /** Checks the next bytes as the start of a request head. */
    void expectHead() {
        scanning = true;
        cr = false;
        lineLength = 0;
        lines = 0;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (scanning && msg instanceof ByteBuf bytes) {
            String problem = scan(bytes);
            if (problem != null) {
                bytes.release();
                scanning = false;
                ctx.channel().config().setAutoRead(false);
                // The codec never saw this head, so the answer goes out as bytes from here.
                byte[] body = (problem + "\n").getBytes(StandardCharsets.UTF_8);
                String head = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
                ctx.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Returns what is wrong with the head bytes in {@code bytes}, or null; stops at the head's end. */
    private String scan(ByteBuf bytes) {
        found = null;
        // forEachByte walks the buffer without a bounds check per byte, as getByte(i) would make.
        bytes.forEachByte(scanner);
        return found;
    }

    /** Takes the next head byte; returns false to stop, at a problem (then set) or at the head's end. */
    private boolean next(byte value) {
        int b = value & 0xff;
        if (cr) {
            if (b != '\n') {
                found = "Bad request: a CR without LF in the request head.";
                return false;
            }
            cr = false;
            if (lineLength == 0 && lines > 0) {
                scanning = false; // the empty line: the head ends, the body is the codec's
                return false;
            } else if (lineLength > 0) {
                lines++;
            }
            lineLength = 0;
        } else if (b == '\r') {
            cr = true;
        } else if (b == 0) {
            found = "Bad request: a NUL byte in the request head.";
            return false;
        } else if ((b == ' ' || b == '\t') && lineLength == 0 && lines > 0) {
            found = "Bad request: a folded header line (obs-fold) in the request head.";
            return false;
        } else {
            lineLength++;
        }
        return true;
    }
}
