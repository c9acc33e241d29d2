package dev.warden.cli;

import dev.warden.core.catalog.Catalog;
import dev.warden.core.policy.LoadedPolicy;
import dev.warden.core.policy.Policy;
import dev.warden.core.replay.ChangedCase;
import dev.warden.core.replay.Replay;
import dev.warden.core.replay.ReplaySummary;
import dev.warden.core.replay.Verdict;
import dev.warden.core.yaml.InvalidFileException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code warden policy replay POLICY --history FILE --catalog CATALOG [--baseline POLICY] [--all]
 * [-o table|json]}.
 *
 * <p>Exit codes: 0 the replay ran (whatever it found); 1 a file could not be read, or the history
 * is not in time order; 2 usage error.
 */
@Command(
    name = "replay",
    description = {
      "Re-run past requests, in time order with simulated time, through a policy and a baseline,"
          + " with no side effects, and report what would change.",
      "The history is a decision log, or JSON Lines of requests from warden export requests.",
      "Exit 0 when the replay ran, 1 on errors, 2 on usage errors."
    })
final class PolicyReplayCommand implements Callable<Integer> {

  private static final int FIRST_CASES = 10;

  @Parameters(index = "0", paramLabel = "POLICY", description = "The candidate policy.")
  Path policyFile;

  @Option(
      names = "--history",
      required = true,
      paramLabel = "FILE",
      description = "A decision log, or an export of requests.")
  Path history;

  @Option(
      names = "--catalog",
      required = true,
      paramLabel = "CATALOG",
      description = "The catalog the requests were made against.")
  Path catalogFile;

  @Option(
      names = "--baseline",
      paramLabel = "POLICY",
      description =
          "The policy to compare with (default: the decisions recorded in the decision log).")
  @Nullable Path baselineFile;

  @Option(names = "--all", description = "Show every changed case, not only the first ten.")
  boolean all;

  @Mixin Output output;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      boolean json = output.json();
      LoadedPolicy candidate = PolicyCommand.loadPolicy(policyFile);
      Policy baseline =
          baselineFile == null ? null : PolicyCommand.loadPolicy(baselineFile).policy();
      Catalog catalog = PolicyCommand.loadCatalog(catalogFile);
      History source = History.open(history);
      if (baseline == null && source.kind() == History.Kind.EXPORT) {
        throw new UserError(
            history
                + " is an export of requests, which records no decisions to compare with; name a"
                + " baseline policy with --baseline");
      }

      long started = System.nanoTime();
      Replay replay =
          new Replay(candidate.policy(), baseline, catalog, all ? Integer.MAX_VALUE : FIRST_CASES);
      ReplaySummary summary = run(source, replay);
      double seconds = (System.nanoTime() - started) / 1e9;

      String against =
          baseline == null
              ? "the decisions recorded in " + history
              : "policy " + baseline.name() + " (sha256 " + abbreviate(baseline.sha256()) + ")";
      if (json) {
        Output.printJson(out, asJson(candidate.policy(), against, summary));
      } else {
        describe(out, candidate.policy(), against, summary);
      }
      err.printf(
          "replayed %d requests in %.2f s (%.0f per second)%n",
          summary.decisions() + summary.skipped(),
          seconds,
          (summary.decisions() + summary.skipped()) / Math.max(seconds, 1e-9));
      return 0;
    } catch (InvalidFileException e) {
      e.diagnostics().forEach(d -> err.println(d.format()));
      return 1;
    } catch (UserError e) {
      err.println("warden: " + e.getMessage());
      return 1;
    }
  }

  /** Replays the history, the baseline's world on a second thread. */
  private ReplaySummary run(History source, Replay replay) throws UserError {
    ExecutorService second =
        Executors.newSingleThreadExecutor(
            task -> Thread.ofPlatform().name("warden-replay-baseline").daemon().unstarted(task));
    try {
      source.forEachBatch(
          (requests, lines) -> {
            try {
              replay.acceptAll(requests, second);
            } catch (Replay.BatchException e) {
              throw new UserError(source.file() + ":" + lines[e.index()] + ": " + e.getMessage());
            }
          });
      return replay.summary();
    } finally {
      second.shutdownNow();
    }
  }

  private void describe(PrintWriter out, Policy candidate, String against, ReplaySummary summary) {
    out.printf(
        "replayed %s from %s through policy %s (sha256 %s) against %s%n",
        PolicyCommand.plural(summary.decisions(), "request"),
        history,
        candidate.name(),
        abbreviate(candidate.sha256()),
        against);
    if (summary.skipped() > 0) {
      out.printf(
          "  %d later decisions of requests already replayed were left out%n", summary.skipped());
    }
    out.printf(
        "  same outcome      %d (%s)%n",
        summary.sameOutcome(), percent(summary.sameOutcome(), summary));
    out.printf(
        "  changed outcome   %d (%s)%n",
        summary.changedOutcome(), percent(summary.changedOutcome(), summary));
    summary.transitions().entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(t -> out.printf("    %-22s %d%n", t.getKey().replace("→", " → "), t.getValue()));
    long delta = summary.candidateLocks() - summary.baselineLocks();
    out.printf(
        "  locks             %d before, %d after (%s%d)%n",
        summary.baselineLocks(), summary.candidateLocks(), delta >= 0 ? "+" : "", delta);
    out.printf("  changed in outcome or locks: %d%n", summary.changed());
    if (summary.cases().isEmpty()) {
      out.flush();
      return;
    }
    out.println(
        all || summary.cases().size() == summary.changed()
            ? "changed cases:"
            : "first " + summary.cases().size() + " changed cases (--all for all):");
    for (ChangedCase change : summary.cases()) {
      out.printf(
          "  %s %s of %s asks for %s for %s%n",
          change.at(),
          change.request().id(),
          change.request().user(),
          access(change),
          change.request().ttl());
      verdict(out, "before", change.baseline());
      verdict(out, "after ", change.candidate());
    }
    out.flush();
  }

  private static void verdict(PrintWriter out, String label, Verdict verdict) {
    out.printf(
        "    %s %-8s locks %s%n",
        label,
        verdict.outcome(),
        verdict.locks().isEmpty() ? "none" : String.join(", ", verdict.locks()));
    for (String rule : verdict.rules()) {
      out.println("             " + rule);
    }
  }

  private Map<String, Object> asJson(Policy candidate, String against, ReplaySummary summary) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("history", history.toString());
    json.put("policy", Map.of("name", candidate.name(), "sha256", candidate.sha256()));
    json.put("baseline", against);
    json.put("decisions", summary.decisions());
    json.put("skipped", summary.skipped());
    json.put("sameOutcome", summary.sameOutcome());
    json.put("changedOutcome", summary.changedOutcome());
    json.put("transitions", summary.transitions());
    json.put("baselineLocks", summary.baselineLocks());
    json.put("candidateLocks", summary.candidateLocks());
    json.put("changed", summary.changed());
    List<Object> cases = new ArrayList<>();
    for (ChangedCase change : summary.cases()) {
      Map<String, Object> each = new LinkedHashMap<>();
      each.put("request", change.request().id().value());
      each.put("user", change.request().user().value());
      each.put("at", change.at().toString());
      each.put("roles", change.request().roles().stream().map(r -> r.value()).toList());
      each.put("resources", change.request().resources().stream().map(r -> r.value()).toList());
      each.put("baseline", verdictJson(change.baseline()));
      each.put("candidate", verdictJson(change.candidate()));
      cases.add(each);
    }
    json.put("cases", cases);
    return json;
  }

  private static Map<String, Object> verdictJson(Verdict verdict) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("outcome", verdict.outcome().name());
    json.put("rules", verdict.rules());
    json.put("locks", verdict.locks());
    return json;
  }

  private static String access(ChangedCase change) {
    List<String> parts = new ArrayList<>();
    change.request().roles().forEach(r -> parts.add(r.value()));
    change.request().resources().forEach(r -> parts.add(r.value()));
    return String.join(", ", parts);
  }

  private static String percent(long part, ReplaySummary summary) {
    return summary.decisions() == 0
        ? "-"
        : String.format(java.util.Locale.ROOT, "%.1f%%", 100.0 * part / summary.decisions());
  }

  private static String abbreviate(String hash) {
    return hash.substring(0, Math.min(12, hash.length())) + "…";
  }
}
