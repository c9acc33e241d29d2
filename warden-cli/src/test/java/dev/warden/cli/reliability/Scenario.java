package dev.warden.cli.reliability;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What every reliability scenario shares: its seed and length from the system properties the {@code
 * reliability} profile passes, and its one result line.
 *
 * <p>{@code reliability.seed} replays a run (every random choice of a scenario and of its load
 * comes from it); without it each run draws a new seed and prints it. {@code reliability.minutes}
 * is 0 for the CI-bounded default; a positive value makes a scenario keep going that long.
 */
public final class Scenario {

  private final String name;
  private final long seed;
  private final long started = System.nanoTime();
  private final Map<String, Object> counts = new LinkedHashMap<>();

  private Scenario(String name, long seed) {
    this.name = name;
    this.seed = seed;
  }

  /** Starts a scenario, printing its seed at once so that even a hung run can be replayed. */
  public static Scenario start(String name) {
    String given = System.getProperty("reliability.seed", "").trim();
    long seed = given.isEmpty() ? new SplittableRandom().nextLong() : Long.parseLong(given);
    System.out.println("reliability " + name + ": starting with seed=" + seed + replayHint(seed));
    return new Scenario(name, seed);
  }

  private static String replayHint(long seed) {
    return " (replay with -Dreliability.seed=" + seed + ")";
  }

  public long seed() {
    return seed;
  }

  /** A generator for one purpose of the scenario; each purpose gets its own stream of the seed. */
  public SplittableRandom random(String purpose) {
    return new SplittableRandom(seed ^ purpose.hashCode() * 0x9e3779b97f4a7c15L);
  }

  /** {@code reliability.minutes}, or 0 for the CI-bounded default. */
  public static double minutes() {
    String text = System.getProperty("reliability.minutes", "").trim();
    return text.isEmpty() ? 0 : Double.parseDouble(text);
  }

  /**
   * How many requests to send: {@code ciDefault} by default, or as many as {@code rate} per second
   * sends in {@code reliability.minutes}.
   */
  public static long requests(long ciDefault, double rate) {
    double minutes = minutes();
    return minutes <= 0 ? ciDefault : Math.max(ciDefault, (long) (minutes * 60 * rate));
  }

  /** Adds a count to the result line, in the order added. */
  public Scenario count(String key, Object value) {
    counts.put(key, value);
    return this;
  }

  /**
   * Prints the scenario's one result line and fails with every violation when there is any.
   *
   * @throws AssertionError listing the violations
   */
  public void finish(Invariants.Report report) {
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    StringBuilder line = new StringBuilder("reliability ").append(name).append(':');
    line.append(" seed=").append(seed);
    counts.forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
    line.append(' ').append(report.counts()).append(" in ").append(took.toSeconds()).append(" s");
    System.out.println(line);
    if (report.violationTotal() > 0) {
      throw new AssertionError(line + replayHint(seed) + report.describe());
    }
  }
}
