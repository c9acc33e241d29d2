package dev.warden.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Renders results as Markdown for people; {@link RunResult#json()} is for scripts. */
final class Report {

  private Report() {}

  /** One run as a section: the setup in a sentence, then a table. */
  static String markdown(RunResult result) {
    RunResult.Details details = result.details();
    StringBuilder text = new StringBuilder();
    text.append("## warden bench: ").append(result.mode()).append("\n\n");
    text.append(setup(details.setup())).append("\n\n");
    text.append("| measure | value |\n| --- | --- |\n");
    row(text, "requests", requests(result));
    row(text, "decisions/s", format(result.decisionsPerSecond(), 1));
    row(text, "latency p50 / p90 / p99 / max", latency(result.latencyMs()));
    if (details.stages() != null) {
      row(text, "latency by stage, p50 / p99", stages(details.stages()));
    }
    row(text, "mismatches", mismatches(result));
    row(text, "watcher", usage(result.watcher(), "heap limit 256 MiB"));
    row(text, "broker", usage(result.broker(), null));
    row(text, "bench process", format(details.bench().cpuSeconds(), 1) + " CPU s during the load");
    row(text, "kept up", keptUp(details));
    row(text, "host", stolen(details.stolenCores()));
    appendExamples(text, List.of(result));
    return text.toString();
  }

  /** Several runs side by side, with the latency ratios against the first. */
  static String markdown(List<RunResult> results) {
    RunResult first = results.get(0);
    StringBuilder text = new StringBuilder("## warden bench --compare\n\n");
    text.append(setup(first.details().setup())).append("\n\n");
    text.append("| measure |");
    results.forEach(r -> text.append(' ').append(r.mode()).append(" |"));
    text.append("\n| --- |");
    results.forEach(r -> text.append(" --- |"));
    text.append('\n');
    compareRow(text, "requests", results, r -> Long.toString(r.requests()));
    compareRow(text, "decisions/s", results, r -> format(r.decisionsPerSecond(), 1));
    compareRow(text, "latency p50 (ms)", results, r -> millis(r.latencyMs().p50()));
    compareRow(text, "latency p90 (ms)", results, r -> millis(r.latencyMs().p90()));
    compareRow(text, "latency p99 (ms)", results, r -> millis(r.latencyMs().p99()));
    compareRow(text, "latency max (ms)", results, r -> millis(r.latencyMs().max()));
    compareRow(
        text,
        "latency by stage, p50 / p99 (ms)",
        results,
        r -> r.details().stages() == null ? "-" : stages(r.details().stages()));
    compareRow(text, "mismatches", results, r -> Long.toString(r.mismatches()));
    compareRow(text, "watcher CPU s / peak RSS MiB", results, r -> cpuAndRss(r.watcher()));
    compareRow(text, "broker CPU s / peak RSS MiB", results, r -> cpuAndRss(r.broker()));
    compareRow(text, "kept up", results, r -> r.details().keptUp() ? "yes" : "no");
    compareRow(
        text,
        "cores stolen by the hypervisor",
        results,
        r -> {
          @Nullable Double cores = r.details().stolenCores();
          return cores == null ? "-" : format(cores, 2);
        });
    text.append('\n').append(ratios(results)).append('\n');
    appendExamples(text, results);
    return text.toString();
  }

  /** A progress line for standard error. */
  static String oneLine(RunResult result) {
    Latency latency = result.latencyMs();
    return String.format(
        Locale.ROOT,
        "%d requests, %.1f decisions/s, p50 %s ms, p99 %s ms, max %s ms, %d mismatches%s",
        result.requests(),
        result.decisionsPerSecond(),
        millis(latency.p50()),
        millis(latency.p99()),
        millis(latency.max()),
        result.mismatches(),
        result.details().keptUp() ? "" : " (did not keep up: " + keptUp(result.details()) + ")");
  }

  /** How much slower each later run's median is than the first's. */
  static String ratios(List<RunResult> results) {
    RunResult first = results.get(0);
    List<String> parts = new ArrayList<>();
    for (RunResult other : results.subList(1, results.size())) {
      double base = first.latencyMs().p50();
      String ratio = base > 0 ? format(other.latencyMs().p50() / base, 0) + "×" : "n/a";
      parts.add(other.mode() + " is " + ratio + " " + first.mode());
    }
    return "Median latency: " + String.join("; ", parts) + ".";
  }

  private static String setup(RunResult.Setup setup) {
    String abusers =
        setup.abusers() == 0
            ? ""
            : " ("
                + setup.abusers()
                + " abusive, brought to the budget by "
                + setup.seeds()
                + " approved requests first)";
    String changes =
        setup.policyChanges().isEmpty() ? "" : "; " + String.join("; ", setup.policyChanges());
    return String.format(
        Locale.ROOT,
        "%s requests/s for %d s, %d users%s, %s; each ordinary user asks every %.1f s."
            + " Policy %s%s.",
        BenchRun.number(setup.rate()),
        setup.duration().toSeconds(),
        setup.users(),
        abusers,
        setup.store(),
        setup.ordinarySpacingSeconds(),
        setup.policy(),
        changes);
  }

  private static String requests(RunResult result) {
    RunResult.Details details = result.details();
    return result.requests()
        + ": "
        + details.approved()
        + " approved, "
        + details.denied()
        + " denied, "
        + details.pending()
        + " left pending (escalated)"
        + (details.failedCreates() == 0 ? "" : "; " + details.failedCreates() + " not created");
  }

  private static String latency(Latency latency) {
    return millis(latency.p50())
        + " / "
        + millis(latency.p90())
        + " / "
        + millis(latency.p99())
        + " / "
        + millis(latency.max())
        + " ms, over "
        + latency.samples()
        + " decisions";
  }

  /** The three spans of {@link Stages}, each as its median and 99th percentile. */
  static String stages(Stages stages) {
    return "created → intent logged "
        + span(stages.toIntent())
        + "; intent → review taken "
        + span(stages.toReview())
        + "; review → seen "
        + span(stages.toSeen())
        + " ms";
  }

  private static String span(Latency latency) {
    return millis(latency.p50()) + " / " + millis(latency.p99());
  }

  private static String mismatches(RunResult result) {
    RunResult.Details details = result.details();
    return result.mismatches()
        + " of "
        + result.requests()
        + " (locks: "
        + details.locksPredicted()
        + " predicted, "
        + details.locksPresent()
        + " on the broker)";
  }

  private static String usage(@Nullable ProcessUsage usage, @Nullable String note) {
    if (usage == null) {
      return "not started by the bench";
    }
    return format(usage.cpuSeconds(), 1)
        + " CPU s during the load, peak RSS "
        + format(usage.peakRssMiB(), 0)
        + " MiB"
        + (note == null ? "" : " (" + note + ")");
  }

  private static String cpuAndRss(@Nullable ProcessUsage usage) {
    return usage == null
        ? "-"
        : format(usage.cpuSeconds(), 1) + " / " + format(usage.peakRssMiB(), 0);
  }

  /**
   * The host's share of the run. Even a tenth of a core taken in slices of a few milliseconds shows
   * in the tail latency, whatever the software does.
   */
  static String stolen(@Nullable Double cores) {
    if (cores == null) {
      return "steal time not reported by this system";
    }
    return format(cores, 2)
        + " cores stolen by the hypervisor during the load (steal in /proc/stat); the tail"
        + " latency grows with it";
  }

  private static String keptUp(RunResult.Details details) {
    List<String> facts = new ArrayList<>();
    facts.add("sends at most " + details.maxLag().toMillis() + " ms late");
    if (details.lateSends() > 0) {
      facts.add(details.lateSends() + " sends over " + LoadDriver.LATE.toMillis() + " ms late");
    }
    if (details.gaveUp()) {
      facts.add("sending stopped, " + LoadDriver.GIVE_UP_LAG.toSeconds() + " s behind");
    }
    if (details.failedCreates() > 0) {
      facts.add(details.failedCreates() + " creates failed, first: " + details.firstFailure());
    }
    facts.add(
        details.unseen() == 0
            ? "every decision seen " + details.drain().toMillis() + " ms after the last send"
            : details.unseen() + " predicted decisions never seen");
    return (details.keptUp() ? "yes: " : "no: ") + String.join("; ", facts);
  }

  private static void appendExamples(StringBuilder text, List<RunResult> results) {
    for (RunResult result : results) {
      List<String> examples = result.details().mismatchExamples();
      if (!examples.isEmpty()) {
        text.append("\nMismatches in ").append(result.mode()).append(", first few:\n");
        examples.forEach(e -> text.append("- ").append(e).append('\n'));
      }
    }
  }

  private static void row(StringBuilder text, String name, String value) {
    text.append("| ").append(name).append(" | ").append(value).append(" |\n");
  }

  private static void compareRow(
      StringBuilder text, String name, List<RunResult> results, Function<RunResult, String> value) {
    text.append("| ").append(name).append(" |");
    results.forEach(r -> text.append(' ').append(value.apply(r)).append(" |"));
    text.append('\n');
  }

  private static String millis(double value) {
    return value >= 100 ? format(value, 0) : format(value, value >= 10 ? 1 : 2);
  }

  private static String format(double value, int decimals) {
    return String.format(Locale.ROOT, "%,." + decimals + "f", value);
  }
}
