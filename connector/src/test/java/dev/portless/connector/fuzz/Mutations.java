package dev.portless.connector.fuzz;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A seeded source of mutated inputs for the fuzz tests: each call returns a copy of a valid seed changed by a
 * few bit flips, truncations, insertions of bytes parsers treat specially, or repetitions.
 *
 * <p>The seed is printed by {@link #announce} so that any failure can be replayed with
 * {@code -Dportless.fuzz.seed=N}; {@code -Dportless.fuzz.iterations=N} makes a run longer.
 */
public final class Mutations {

    private static final byte[][] SPECIAL = {
        {0},
        {'\n'},
        {'\r'},
        {'\t'},
        {' '},
        {':'},
        {'['},
        {']'},
        {'/'},
        {'.'},
        {'-'},
        {'#'},
        {'&'},
        {'*'},
        {'!'},
        {'{'},
        {'}'},
        {'"'},
        {'\''},
        {'|'},
        {'>'},
        {'%'},
        {'@'},
        {'='},
        {'\\'},
        {(byte) 0xff},
        {(byte) 0xc0, (byte) 0x80},
        {(byte) 0xef, (byte) 0xbb, (byte) 0xbf},
        "999999999999".getBytes(),
        "-1".getBytes(),
        "0x".getBytes(),
        "::ffff:".getBytes(),
        "%25".getBytes(),
        "~".getBytes(),
        "\u2028".getBytes(StandardCharsets.UTF_8),
        "\uD83D\uDE00".getBytes(StandardCharsets.UTF_8)
    };

    private final SplittableRandom random;
    /** The seed of every build's run. */
    static final long CI_SEED = 20261204L;

    private final long seed;

    private Mutations(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    /**
     * Returns mutations seeded from {@code portless.fuzz.seed} ({@code random} for a fresh seed), else from
     * {@link #CI_SEED}, printed with {@code name}. The build runs one fixed seed, so a red build always means a
     * change broke something; {@code scripts/fuzz} explores with fresh seeds.
     */
    public static Mutations announce(String name) {
        requireNonNull(name, "name");
        final String configured = System.getProperty("portless.fuzz.seed", "").trim();
        final long seed = configured.isEmpty()
                ? CI_SEED
                : configured.equals("random") ? new SplittableRandom().nextLong() : Long.parseLong(configured);
        System.out.println(name + ": fuzz seed " + seed + " (replay with -Dportless.fuzz.seed=" + seed + ')');
        return new Mutations(seed);
    }

    /**
     * Returns the iteration count in {@code portless.fuzz.iterations} when it is larger than {@code base}, so
     * that CI stays short and {@code scripts/fuzz} can run long.
     */
    public static int iterations(int base) {
        final String configured = System.getProperty("portless.fuzz.iterations");
        if (configured == null || configured.isBlank()) {
            return base;
        }
        return Math.max(base, Integer.parseInt(configured.trim()));
    }

    /** Returns the seed, for failure messages. */
    public long seed() {
        return seed;
    }

    /** Returns a random int in {@code [0, bound)}. */
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** Returns one of {@code choices}. */
    @SafeVarargs
    public final <T> T pick(T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** Returns {@code length} random bytes. */
    public byte[] bytes(int length) {
        final byte[] out = new byte[length];
        random.nextBytes(out);
        return out;
    }

    /** Returns {@code text} as UTF-8, mutated one to four times. */
    public String mutate(String text) {
        return new String(
                mutate(requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    /** Returns a copy of {@code input} mutated one to four times; never the same bytes as {@code input}. */
    public byte[] mutate(byte[] input) {
        requireNonNull(input, "input");
        byte[] out = input;
        do {
            final int rounds = 1 + random.nextInt(4);
            for (int i = 0; i < rounds; i++) {
                out = mutateOnce(out);
            }
        } while (Arrays.equals(out, input));
        return out;
    }

    private byte[] mutateOnce(byte[] in) {
        if (in.length == 0) {
            return SPECIAL[random.nextInt(SPECIAL.length)].clone();
        }
        final int at = random.nextInt(in.length);
        switch (random.nextInt(6)) {
            case 0 -> {
                final byte[] out = in.clone();
                out[at] ^= (byte) (1 << random.nextInt(8));
                return out;
            }
            case 1 -> {
                return Arrays.copyOf(in, at);
            }
            case 2 -> {
                return splice(in, at, at, SPECIAL[random.nextInt(SPECIAL.length)]);
            }
            case 3 -> {
                final int end = Math.min(in.length, at + 1 + random.nextInt(16));
                final byte[] piece = Arrays.copyOfRange(in, at, end);
                final byte[] repeated = new byte[piece.length * (2 + random.nextInt(8))];
                for (int i = 0; i < repeated.length; i++) {
                    repeated[i] = piece[i % piece.length];
                }
                return splice(in, at, end, repeated);
            }
            case 4 -> {
                final int end = Math.min(in.length, at + 1 + random.nextInt(8));
                return splice(in, at, end, new byte[0]);
            }
            default -> {
                final byte[] out = in.clone();
                out[at] = (byte) random.nextInt(256);
                return out;
            }
        }
    }

    private static byte[] splice(byte[] in, int from, int to, byte[] insert) {
        final byte[] out = new byte[from + insert.length + in.length - to];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(in, to, out, from + insert.length, in.length - to);
        return out;
    }
}
