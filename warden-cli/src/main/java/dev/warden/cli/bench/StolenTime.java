package dev.warden.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The time a hypervisor has taken from this machine's virtual CPUs, read from Linux's {@code
 * /proc/stat}: while it runs other guests on the host's cores, this guest's threads wait, and every
 * latency measured here grows with it. The bench reports it next to its figures so that a reader
 * can tell a slow run of the software from a slow run of the host.
 */
final class StolenTime {

  /** As in {@link ProcessUsage}: Linux reports CPU time in ticks of a fixed 100 per second. */
  private static final double TICKS_PER_SECOND = 100.0;

  private static final Path STAT = Path.of("/proc/stat");

  private StolenTime() {}

  /**
   * Seconds stolen from all virtual CPUs since boot, or null where the system does not say (not
   * Linux, or a kernel without the steal column).
   */
  static @Nullable Double sinceBoot() {
    String first;
    try {
      first = Files.readAllLines(STAT).getFirst();
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return parse(first);
  }

  /**
   * The steal column of the aggregate line ({@code cpu user nice system idle iowait irq softirq
   * steal …}), in seconds, or null when the line is not that.
   */
  static @Nullable Double parse(String line) {
    String[] fields = line.trim().split("\\s+");
    if (fields.length < 9 || !fields[0].equals("cpu")) {
      return null;
    }
    try {
      return Long.parseLong(fields[8]) / TICKS_PER_SECOND;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
