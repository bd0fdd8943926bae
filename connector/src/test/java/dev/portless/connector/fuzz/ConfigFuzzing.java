package dev.portless.connector.fuzz;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.portless.common.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The fuzz loop shared by the configuration readers: mutated copies of the seed files under
 * {@code src/test/resources/fuzz/<corpus>/} must either load or fail with a {@code <file>:<line>:} sentence.
 */
final class ConfigFuzzing {

    // A mutation can blow a file up (repetition), but parsing a few kilobytes must never take this long.
    private static final Duration PER_INPUT = Duration.ofSeconds(5);

    private ConfigFuzzing() {}

    /** Loads each seed of {@code corpus} and then {@code iterations} mutated copies of them into {@code file}. */
    static void run(String corpus, Path file, int iterations, Mutations mutations, Function<Path, ?> load) {
        requireNonNull(load, "load");
        final List<String> seeds = seeds(corpus);
        for (String seed : seeds) {
            write(file, seed.getBytes(UTF_8));
            assertDoesNotThrow(() -> load.apply(file), "seed of " + corpus + " must load");
        }
        final Pattern explained = Pattern.compile(Pattern.quote(file.toString()) + "(:\\d+)?: \\S.*", Pattern.DOTALL);
        for (int i = 0; i < iterations; i++) {
            final byte[] input =
                    mutations.mutate(seeds.get(mutations.nextInt(seeds.size())).getBytes(UTF_8));
            write(file, input);
            final String replay =
                    "seed " + mutations.seed() + ", iteration " + i + ", input:\n" + new String(input, UTF_8);
            assertTimeoutPreemptively(
                    PER_INPUT,
                    () -> {
                        try {
                            load.apply(file);
                        } catch (ConfigException e) {
                            assertTrue(
                                    explained.matcher(e.getMessage()).matches(),
                                    () -> "unexplained message \"" + e.getMessage() + "\" for " + replay);
                        } catch (RuntimeException | StackOverflowError e) {
                            fail("unexpected " + e + " for " + replay, e);
                        }
                    },
                    () -> "hang for " + replay);
        }
    }

    private static List<String> seeds(String corpus) {
        final List<String> seeds = new ArrayList<>();
        for (String name : List.of("minimal.yml", "every-section.yml", "every-key.yml")) {
            try (InputStream in = ConfigFuzzing.class.getResourceAsStream("/fuzz/" + corpus + "/" + name)) {
                if (in != null) {
                    seeds.add(new String(in.readAllBytes(), UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertTrue(seeds.size() >= 2, "corpus " + corpus + " needs at least two seeds");
        return seeds;
    }

    private static void write(Path file, byte[] content) {
        try {
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
