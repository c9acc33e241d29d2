package dev.warden.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and peak resident memory of a process, read from Linux's {@code /proc}.
 *
 * @param cpuSeconds user plus system time of all the process's threads so far
 * @param peakRssMiB the high-water mark of its resident set ({@code VmHWM})
 */
record ProcessUsage(double cpuSeconds, double peakRssMiB) {

  /**
   * The kernel reports CPU time in clock ticks of {@code USER_HZ}, which Linux fixes at 100 on
   * every architecture it exports to user space; Java has no portable way to ask.
   */
  private static final double TICKS_PER_SECOND = 100.0;

  /**
   * What {@code /proc/PID} says now.
   *
   * @throws IllegalStateException when the process is gone or this is not Linux
   */
  static ProcessUsage read(long pid) {
    Path proc = Path.of("/proc", Long.toString(pid));
    try {
      return new ProcessUsage(cpuSeconds(proc.resolve("stat")), peakRss(proc.resolve("status")));
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot read the resource use of process " + pid + " from /proc: " + e.getMessage(), e);
    }
  }

  /** The CPU time spent between {@code earlier} and this reading, with this reading's peak. */
  ProcessUsage since(ProcessUsage earlier) {
    return new ProcessUsage(cpuSeconds - earlier.cpuSeconds, peakRssMiB);
  }

  private static double cpuSeconds(Path stat) throws IOException {
    String line = Files.readString(stat);
    // The command name, in parentheses, may itself hold spaces and parentheses: count fields
    // from the last closing one. After it come field 3 (state) onwards; utime and stime are
    // fields 14 and 15.
    String[] fields = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks / TICKS_PER_SECOND;
  }

  private static double peakRss(Path status) throws IOException {
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmHWM:")) {
        String kib = line.substring("VmHWM:".length()).replace("kB", "").trim();
        return Long.parseLong(kib) / 1024.0;
      }
    }
    throw new IOException(status + " has no VmHWM line");
  }
}
