package dev.portless.common.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Mutated {@code portless-resume.v1} frames (HELLO, DATA, ACK, FIN, RESET) fed to the decoder in random pieces:
 * frames that read back as they were written, or a {@link DecoderException} with a sentence and no cause, never
 * another exception and never a DATA piece past the frame limit.
 *
 * <p>The build runs the fixed seed; {@code -Dportless.fuzz.seed=N} replays or explores (as {@code scripts/fuzz}
 * does) and {@code -Dportless.fuzz.iterations=N} runs longer.
 */
class ResumeFrameDecoderFuzzTest {

    private static final long CI_SEED = 20261204L;

    @Test
    void mutatedFramesDecodeOrFailWithASentence() {
        final long seed = seed();
        System.out.println(
                "ResumeFrameDecoderFuzzTest: fuzz seed " + seed + " (replay with -Dportless.fuzz.seed=" + seed + ')');
        final SplittableRandom random = new SplittableRandom(seed);
        final List<byte[]> seeds = seedFrames();
        final int iterations = Math.max(10_000, Integer.getInteger("portless.fuzz.iterations", 0));
        for (int i = 0; i < iterations; i++) {
            final byte[] input = mutate(random, seeds);
            final String replay = "seed " + seed + ", iteration " + i + ", input "
                    + HexFormat.of().formatHex(input);
            try {
                decode(input, random, replay);
            } catch (RuntimeException e) {
                fail("unexpected " + e + " for " + replay, e);
            }
        }
    }

    /** Feeds {@code input} in random pieces and checks what comes out. */
    private static void decode(byte[] input, SplittableRandom random, String replay) {
        final EmbeddedChannel channel = new EmbeddedChannel(new ResumeFrameDecoder());
        final List<Object> frames = new ArrayList<>();
        try {
            int at = 0;
            while (at < input.length) {
                final int piece = Math.min(input.length - at, 1 + random.nextInt(64));
                channel.writeInbound(Unpooled.wrappedBuffer(input, at, piece));
                at += piece;
                for (Object frame; (frame = channel.readInbound()) != null; ) {
                    frames.add(frame);
                }
            }
        } catch (DecoderException e) {
            assertExplained(e, replay);
        } finally {
            // Ending the channel decodes what is left, so it may refuse too.
            try {
                channel.finishAndReleaseAll();
            } catch (DecoderException e) {
                assertExplained(e, replay);
            }
        }
        try {
            for (Object frame : frames) {
                check(frame, replay);
            }
        } finally {
            frames.forEach(frame -> {
                if (frame instanceof ResumeFrame.Data data) {
                    ReferenceCountUtil.release(data.bytes());
                }
            });
        }
    }

    private static void assertExplained(DecoderException e, String replay) {
        assertTrue(
                e.getMessage() != null && e.getMessage().startsWith("resume ") && e.getCause() == null,
                () -> "unexplained " + e + " for " + replay);
    }

    private static void check(Object frame, String replay) {
        if (frame instanceof ResumeFrame.Data data) {
            final int length = data.bytes().readableBytes();
            assertTrue(length > 0 && length <= ResumeProtocol.MAX_DATA, () -> "DATA piece of " + length + " " + replay);
        } else if (frame instanceof ResumeFrame.Ack ack) {
            assertTrue(ack.count() >= 0, () -> "negative ACK from " + replay);
        } else if (frame instanceof ResumeFrame.Reset reset) {
            assertTrue(reset.closeCode() >= 0 && reset.closeCode() <= 0xffff, () -> "close code from " + replay);
            if (fitsUncut(reset.reason())) {
                assertRoundTrip(
                        reset,
                        ResumeFrames.reset(UnpooledByteBufAllocator.DEFAULT, reset.closeCode(), reset.reason()),
                        replay);
            }
        } else if (frame instanceof ResumeFrame.Hello hello) {
            if (fitsUncut(hello.streamId()) && fitsUncut(hello.secret())) {
                assertRoundTrip(
                        hello,
                        ResumeFrames.hello(UnpooledByteBufAllocator.DEFAULT, hello.streamId(), hello.secret()),
                        replay);
            }
        } else if (!(frame instanceof ResumeFrame.Fin)) {
            fail("unknown frame " + frame + " from " + replay);
        }
    }

    /**
     * Returns whether {@code text} is written whole: the writer cuts texts at 1 KiB, and an invalid byte read as
     * U+FFFD takes three bytes when written again.
     */
    private static boolean fitsUncut(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length <= 1024;
    }

    /** A decoded control frame, written again, decodes to the same frame. */
    private static void assertRoundTrip(ResumeFrame frame, ByteBuf written, String replay) {
        final EmbeddedChannel channel = new EmbeddedChannel(new ResumeFrameDecoder());
        try {
            channel.writeInbound(written);
            assertEquals(frame, channel.readInbound(), () -> "round trip of " + replay);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static byte[] mutate(SplittableRandom random, List<byte[]> seeds) {
        byte[] out = new byte[0];
        final int frames = 1 + random.nextInt(3);
        for (int f = 0; f < frames; f++) {
            out = concat(out, seeds.get(random.nextInt(seeds.size())));
        }
        final int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds && out.length > 0; r++) {
            final int at = random.nextInt(out.length);
            switch (random.nextInt(6)) {
                case 0 -> out[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> out = Arrays.copyOf(out, at);
                case 2 -> out[at] = (byte) random.nextInt(256);
                // Extremes in a length or count field: the bytes parsers trust most.
                case 3 -> {
                    final byte fill = random.nextBoolean() ? (byte) 0xff : (byte) 0x7f;
                    Arrays.fill(out, at, Math.min(out.length, at + 1 + random.nextInt(8)), fill);
                }
                case 4 ->
                    out = concat(
                            concat(Arrays.copyOf(out, at), randomBytes(random, 1 + random.nextInt(8))),
                            Arrays.copyOfRange(out, at, out.length));
                default ->
                    out = concat(
                            Arrays.copyOf(out, at),
                            Arrays.copyOfRange(out, Math.min(out.length, at + 1 + random.nextInt(8)), out.length));
            }
        }
        return out;
    }

    private static List<byte[]> seedFrames() {
        final List<byte[]> frames = new ArrayList<>();
        frames.add(bytes(ResumeFrames.hello(UnpooledByteBufAllocator.DEFAULT, "abc.123", "s3cr3t-s3cr3t")));
        frames.add(bytes(ResumeFrames.hello(UnpooledByteBufAllocator.DEFAULT, "", "")));
        frames.add(bytes(ResumeFrames.hello(UnpooledByteBufAllocator.DEFAULT, "x".repeat(1024), "ü€😀")));
        frames.add(bytes(ResumeFrames.ack(UnpooledByteBufAllocator.DEFAULT, 0)));
        frames.add(bytes(ResumeFrames.ack(UnpooledByteBufAllocator.DEFAULT, Long.MAX_VALUE)));
        frames.add(bytes(ResumeFrames.fin(UnpooledByteBufAllocator.DEFAULT)));
        frames.add(bytes(ResumeFrames.reset(UnpooledByteBufAllocator.DEFAULT, 1000, "the stream ended")));
        frames.add(bytes(ResumeFrames.reset(UnpooledByteBufAllocator.DEFAULT, 4408, "")));
        frames.add(concat(bytes(ResumeFrames.dataHeader(UnpooledByteBufAllocator.DEFAULT, 5)), "hello".getBytes()));
        frames.add(concat(bytes(ResumeFrames.dataHeader(UnpooledByteBufAllocator.DEFAULT, 300)), new byte[300]));
        frames.add(bytes(ResumeFrames.dataHeader(UnpooledByteBufAllocator.DEFAULT, ResumeProtocol.MAX_DATA)));
        return frames;
    }

    private static byte[] bytes(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static byte[] randomBytes(SplittableRandom random, int length) {
        final byte[] out = new byte[length];
        random.nextBytes(out);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        final byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static long seed() {
        final String configured = System.getProperty("portless.fuzz.seed", "").trim();
        if (configured.isEmpty()) {
            return CI_SEED;
        }
        return configured.equals("random") ? new SplittableRandom().nextLong() : Long.parseLong(configured);
    }
}
