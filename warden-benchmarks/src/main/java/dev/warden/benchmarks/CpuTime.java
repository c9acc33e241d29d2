package dev.warden.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The benchmarks of {@link DecideBenchmark} again, counted per second of the thread's CPU time
 * rather than of wall time. On a shared machine a single-threaded benchmark waits for a core, and
 * JMH counts that wait as work; this run does not, so its figures say what one core decides.
 *
 * <p>JMH stays the reference; this is a cross-check. Usage: {@code java -cp benchmarks.jar
 * dev.warden.benchmarks.CpuTime [warmup rounds] [measured rounds] [seconds per round]}.
 */
public final class CpuTime {

  private static final int BATCH = 1_000;

  private CpuTime() {}

  public static void main(String[] args) throws Exception {
    int warmups = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    long roundNanos = (long) ((args.length > 2 ? Double.parseDouble(args[2]) : 2.0) * 1e9);
    DecideBenchmark benchmark = new DecideBenchmark();
    benchmark.setUp();
    Map<String, Callable<Object>> workloads = new LinkedHashMap<>();
    workloads.put("decideBuiltInRules", benchmark::decideBuiltInRules);
    workloads.put("decideWithOneCelRule", benchmark::decideWithOneCelRule);
    workloads.put("rawCelEvaluation", benchmark::rawCelEvaluation);

    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    System.out.printf(
        Locale.ROOT, "%-22s %16s %16s %9s%n", "benchmark", "ops/cpu-s", "ops/wall-s", "cpu/wall");
    for (Map.Entry<String, Callable<Object>> workload : workloads.entrySet()) {
      List<Double> perCpuSecond = new ArrayList<>();
      List<Double> perWallSecond = new ArrayList<>();
      for (int round = 0; round < warmups + rounds; round++) {
        Round result = run(workload.getValue(), roundNanos, threads);
        if (round >= warmups) {
          perCpuSecond.add(result.operations() * 1e9 / result.cpuNanos());
          perWallSecond.add(result.operations() * 1e9 / result.wallNanos());
        }
      }
      double cpu = median(perCpuSecond);
      double wall = median(perWallSecond);
      System.out.printf(
          Locale.ROOT, "%-22s %,16.0f %,16.0f %9.2f%n", workload.getKey(), cpu, wall, wall / cpu);
    }
  }

  private record Round(long operations, long cpuNanos, long wallNanos) {}

  private static Round run(Callable<Object> workload, long roundNanos, ThreadMXBean threads)
      throws Exception {
    long operations = 0;
    int sink = 0;
    long cpuStart = threads.getCurrentThreadCpuTime();
    long wallStart = System.nanoTime();
    while (System.nanoTime() - wallStart < roundNanos) {
      for (int i = 0; i < BATCH; i++) {
        // Folding every result into the sink keeps the JIT from dropping the work.
        sink += System.identityHashCode(workload.call()) & 1;
      }
      operations += BATCH;
    }
    long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
    long wall = System.nanoTime() - wallStart;
    if (sink < 0) {
      throw new AssertionError("unreachable: the sink only counts");
    }
    return new Round(operations, cpu, wall);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }
}
