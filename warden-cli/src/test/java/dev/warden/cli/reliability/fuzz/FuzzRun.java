package dev.warden.cli.reliability.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.RandomGenerator;

/**
 * One time-bounded, seeded fuzz run of one target: its budget, its source of randomness, its
 * counts, the inputs that broke an invariant, and its one result line.
 *
 * <p>{@code reliability.seed} replays a run: every input comes from one {@link Random} seeded with
 * it, so the same seed and the same number of inputs give the same inputs. Without it a new seed is
 * drawn and printed first, so that even a run that hangs can be replayed. {@code
 * reliability.minutes} is 0 for the CI-bounded default of {@link #CI_BUDGET}; a positive value runs
 * the target about that long instead.
 *
 * <p>Inputs come from jqwik generators ({@link #draw}), sampled with the run's random source rather
 * than jqwik's own, which is what makes the run both seeded and bounded by time instead of by a
 * number of tries. Shrinking is not used: an input that fails is written whole to {@code
 * target/fuzz-found/<target>/}, from where it goes, reduced by hand, into the corpus that {@link
 * FuzzCorpusTest} replays.
 */
final class FuzzRun {

  /** How long a target runs in CI, where {@code reliability.minutes} is 0. */
  static final Duration CI_BUDGET = Duration.ofSeconds(20);

  /** A run stops early once it has this many failures; more would only repeat them. */
  private static final int MAX_FAILURES = 20;

  private static final int GENERATION_SIZE = 1000;

  private final String target;
  private final long seed;
  private final Random random;
  private final long startedNanos = System.nanoTime();
  private final long budgetNanos;
  private final Map<String, Long> counts = new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();
  private final Map<Arbitrary<?>, RandomGenerator<?>> generators = new IdentityHashMap<>();

  private FuzzRun(String target, long seed, Duration budget) {
    this.target = target;
    this.seed = seed;
    this.random = new Random(seed);
    this.budgetNanos = budget.toNanos();
  }

  /**
   * Starts a run of {@code target}, such as {@code fuzz-broker-api}, with the counts its result
   * line always shows, zero or not.
   */
  static FuzzRun start(String target, String... shownCounts) {
    String given = System.getProperty("reliability.seed", "").trim();
    long seed = given.isEmpty() ? new SplittableRandom().nextLong() : Long.parseLong(given);
    FuzzRun run = new FuzzRun(target, seed, budget());
    for (String name : List.of("inputs", "rejected", "accepted")) {
      run.counts.put(name, 0L);
    }
    for (String name : shownCounts) {
      run.counts.put(name, 0L);
    }
    System.out.println(
        "reliability "
            + target
            + ": starting with seed="
            + seed
            + " for "
            + budget().toSeconds()
            + " s (replay with -Dreliability.seed="
            + seed
            + ")");
    return run;
  }

  /** {@link #CI_BUDGET}, or {@code reliability.minutes} when that is positive. */
  static Duration budget() {
    String text = System.getProperty("reliability.minutes", "").trim();
    double minutes = text.isEmpty() ? 0 : Double.parseDouble(text);
    return minutes <= 0 ? CI_BUDGET : Duration.ofMillis((long) (minutes * 60_000));
  }

  long seed() {
    return seed;
  }

  /** The run's one source of randomness. */
  Random random() {
    return random;
  }

  /** Whether to draw another input: the budget is not spent and failures are few. */
  boolean more() {
    return System.nanoTime() - startedNanos < budgetNanos && failures.size() < MAX_FAILURES;
  }

  /** A value of {@code arbitrary}, edge cases included, drawn with the run's random source. */
  @SuppressWarnings("unchecked")
  <T> T draw(Arbitrary<T> arbitrary) {
    RandomGenerator<T> generator =
        (RandomGenerator<T>)
            generators.computeIfAbsent(
                arbitrary, a -> a.generatorWithEmbeddedEdgeCases(GENERATION_SIZE));
    return generator.next(random).value();
  }

  /** A uniformly chosen element. */
  <T> T pick(List<T> choices) {
    return choices.get(random.nextInt(choices.size()));
  }

  /** True with the given probability. */
  boolean chance(double probability) {
    return random.nextDouble() < probability;
  }

  /** Counts one input and whether the target took it or refused it. */
  void counted(boolean accepted) {
    count("inputs");
    count(accepted ? "accepted" : "rejected");
  }

  void count(String name) {
    counts.merge(name, 1L, Long::sum);
  }

  /** Sets a count the target keeps itself, such as the number of seeds. */
  void set(String name, long value) {
    counts.put(name, value);
  }

  /**
   * Records an input that broke an invariant: counts it under {@code kind}, prints it, and writes
   * it to {@code target/fuzz-found/<target>/} for the corpus.
   *
   * @param extension the corpus file's extension, which says how {@link FuzzCorpusTest} replays it
   */
  void failed(String kind, String what, byte[] input, String extension) {
    count(kind);
    Path file = save(kind, input, extension);
    String text =
        kind + ": " + what + "\n    input saved as " + file + "\n    input: " + excerpt(input);
    failures.add(text);
    System.out.println("reliability " + target + ": FAILED " + text);
  }

  /** Prints the result line and fails the test with every failure if there was any. */
  void finish() {
    long seconds = Math.round((System.nanoTime() - startedNanos) / 1e9);
    StringBuilder line = new StringBuilder("reliability ").append(target).append(':');
    line.append(" seed=").append(seed);
    counts.forEach((name, value) -> line.append(' ').append(name).append('=').append(value));
    line.append(" in ").append(seconds).append(" s");
    System.out.println(line);
    if (!failures.isEmpty()) {
      throw new AssertionError(
          line
              + " (replay with -Dreliability.seed="
              + seed
              + ")\n  "
              + String.join("\n  ", failures));
    }
  }

  private Path save(String kind, byte[] input, String extension) {
    Path directory = Path.of("target", "fuzz-found", target);
    Path file = directory.resolve(kind + "-" + sha256(input).substring(0, 12) + "." + extension);
    try {
      Files.createDirectories(directory);
      Files.write(file, input);
      return file.toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The input as printable text, cut to a length a log line can hold. */
  static String excerpt(byte[] input) {
    String text = new String(input, 0, Math.min(input.length, 600), StandardCharsets.UTF_8);
    StringBuilder printable = new StringBuilder();
    text.codePoints()
        .forEach(
            c -> {
              if (c == '\n') {
                printable.append("\\n");
              } else if (c < 0x20 || c == 0xFFFD) {
                printable.append(String.format("\\x%02x", c & 0xFF));
              } else {
                printable.appendCodePoint(c);
              }
            });
    return printable + (input.length > 600 ? "… (" + input.length + " bytes)" : "");
  }

  static String sha256(byte[] input) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
