package dev.warden.benchmarks;

import java.util.Locale;

/**
 * How often, and for how long, this machine's CPUs are taken away from it. One thread per CPU reads
 * the clock in a tight loop; a gap between two readings longer than half a millisecond is time the
 * thread did not run although it never waited for anything: the hypervisor ran another guest on the
 * core (steal), or the kernel ran something else. Latency benchmarks measured on a machine with
 * many such gaps measure the host as much as the software.
 *
 * <p>It keeps every CPU busy while it runs, so run it before a benchmark, not during one. Usage:
 * {@code java -cp benchmarks.jar dev.warden.benchmarks.HostGaps [seconds] [threads]}; threads
 * default to the number of CPUs.
 */
public final class HostGaps {

  private static final long NOTICED = 500_000;
  // Upper bounds of the buckets, in nanoseconds; the last bucket holds everything above.
  private static final long[] BOUNDS = {1_000_000, 2_000_000, 5_000_000, 10_000_000, 20_000_000};
  private static final String[] LABELS = {
    "0.5-1 ms", "1-2 ms", "2-5 ms", "5-10 ms", "10-20 ms", "over 20 ms"
  };

  private HostGaps() {}

  public static void main(String[] args) throws InterruptedException {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    int threads =
        args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
    long nanos = (long) (seconds * 1e9);

    Probe[] probes = new Probe[threads];
    Thread[] running = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      probes[i] = new Probe(nanos);
      running[i] = Thread.ofPlatform().name("host-gaps-" + i).start(probes[i]);
    }
    for (Thread thread : running) {
      thread.join();
    }

    System.out.printf(
        Locale.ROOT,
        "%d threads, %.1f s each; gaps per second of each thread:%n",
        threads,
        seconds);
    for (int i = 0; i < threads; i++) {
      StringBuilder line = new StringBuilder("  thread " + i + ":");
      for (int b = 0; b < LABELS.length; b++) {
        line.append(
            String.format(Locale.ROOT, " %s %.1f,", LABELS[b], probes[i].counts[b] / seconds));
      }
      line.append(
          String.format(
              Locale.ROOT,
              " time lost %.1f %%, longest %.1f ms",
              100.0 * probes[i].lost / nanos,
              probes[i].longest / 1e6));
      System.out.println(line);
    }
  }

  /** One thread's readings: gaps counted by length, their total and the longest. */
  private static final class Probe implements Runnable {
    private final long nanos;
    final long[] counts = new long[LABELS.length];
    long lost;
    long longest;

    Probe(long nanos) {
      this.nanos = nanos;
    }

    @Override
    public void run() {
      long last = System.nanoTime();
      long end = last + nanos;
      while (last < end) {
        long now = System.nanoTime();
        long gap = now - last;
        if (gap > NOTICED) {
          counts[bucket(gap)]++;
          lost += gap;
          longest = Math.max(longest, gap);
        }
        last = now;
      }
    }

    private static int bucket(long gap) {
      for (int b = 0; b < BOUNDS.length; b++) {
        if (gap <= BOUNDS[b]) {
          return b;
        }
      }
      return BOUNDS.length;
    }
  }
}
