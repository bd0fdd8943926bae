package dev.portless.connector.edge.access;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.portless.connector.fuzz.Mutations;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated client frames into the edge's frame decoder and {@link WebSocketViolationClose}: no exception
 * escapes, and whatever the edge answers is a Close frame with a code a peer may send.
 */
class WebSocketFrameFuzzTest {

    @Test
    void randomFramesAreDecodedOrAnsweredWithALegalClose() {
        final Mutations mutations = Mutations.announce("WebSocketFrameFuzzTest");
        final int iterations = Mutations.iterations(3_000);
        int answered = 0;
        for (int i = 0; i < iterations; i++) {
            final byte[] input = mutations.mutate(maskedFrames(mutations));
            final String replay = "seed " + mutations.seed() + ", iteration " + i;
            final EmbeddedChannel channel = new EmbeddedChannel(
                    new WebSocket13FrameDecoder(WebSocketStreamHandler.clientFrameDecoder()),
                    new WebSocketViolationClose(),
                    new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ReferenceCountUtil.release(msg);
                        }
                    });
            try {
                // Split into two writes so that frames crossing a read boundary are fuzzed too.
                final int cut = mutations.nextInt(input.length + 1);
                channel.writeInbound(Unpooled.wrappedBuffer(input, 0, cut));
                if (channel.isOpen()) {
                    channel.writeInbound(Unpooled.wrappedBuffer(input, cut, input.length - cut));
                }
                channel.checkException();
            } catch (RuntimeException e) {
                fail("exception escaped the frame path for " + replay, e);
            }
            Object out;
            while ((out = channel.readOutbound()) != null) {
                try {
                    final CloseWebSocketFrame close = assertInstanceOf(CloseWebSocketFrame.class, out, replay);
                    final int code = close.statusCode();
                    answered++;
                    assertTrue(
                            (code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006)
                                    || (code >= 3000 && code <= 4999),
                            () -> "illegal close code " + code + " for " + replay);
                } finally {
                    ReferenceCountUtil.release(out);
                }
            }
            channel.finishAndReleaseAll();
        }
        // Mutated frames break the protocol often: a run without a single Close did not reach the answer path.
        assertTrue(answered > 0, "no violation was answered in " + iterations + " inputs");
    }

    /** Returns one to three masked client frames of random opcode, flags and length. */
    private static byte[] maskedFrames(Mutations mutations) {
        final ByteArrayOutputStream frames = new ByteArrayOutputStream();
        final int count = 1 + mutations.nextInt(3);
        for (int f = 0; f < count; f++) {
            final int opcode = mutations.pick(0x0, 0x1, 0x2, 0x8, 0x9, 0xA, 0x3, 0xB);
            final boolean control = opcode >= 0x8;
            final int length = control ? mutations.nextInt(126) : mutations.pick(0, 5, 125, 126, 300, 70_000);
            final byte[] payload =
                    opcode == 0x8 && length >= 2 ? closePayload(mutations, length) : mutations.bytes(length);
            frames.write((mutations.nextInt(4) == 0 ? 0 : 0x80) | opcode);
            if (length < 126) {
                frames.write(0x80 | length);
            } else if (length < 65_536) {
                frames.write(0x80 | 126);
                frames.write(length >>> 8);
                frames.write(length & 0xff);
            } else {
                frames.write(0x80 | 127);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    frames.write((int) (((long) length >>> shift) & 0xff));
                }
            }
            final byte[] mask = mutations.bytes(4);
            frames.writeBytes(mask);
            for (int i = 0; i < payload.length; i++) {
                frames.write(payload[i] ^ mask[i % 4]);
            }
        }
        return frames.toByteArray();
    }

    private static byte[] closePayload(Mutations mutations, int length) {
        final byte[] payload = mutations.bytes(length);
        final int code = mutations.pick(1000, 1001, 1002, 1005, 1006, 1015, 999, 3000, 4999, 5000);
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        return payload;
    }
}
