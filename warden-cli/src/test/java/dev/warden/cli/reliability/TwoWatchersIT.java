package dev.warden.cli.reliability;

import dev.warden.cli.e2e.Deployment;
import dev.warden.cli.e2e.WardenProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two watcher processes, each its own identity with its own decision log, deciding the same load on
 * one broker at once, with no leader between them. They race for every request: the broker takes
 * the first review and answers the second with {@code 409 Conflict}, and both derive the same lock
 * ids, so a lock is created once however many watchers ask for it. Nothing may happen twice, and
 * each watcher's log must account for what it did.
 */
class TwoWatchersIT {

  private static final long REQUESTS = 1_000;
  private static final double RATE = 50;
  private static final int USERS = 400;

  /** How late a decision may come with two watchers on two busy cores. */
  private static final Duration HORIZON = Duration.ofSeconds(5);

  private static final List<String> WATCHERS = List.of("watcher", "watcher-b");

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void twoWatchersAtOnce_raceForEveryRequest_butNothingHappensTwice() throws Exception {
    Scenario scenario = Scenario.start("two-watchers");
    long requests = Scenario.requests(REQUESTS, RATE);
    ReliabilityLoad load = ReliabilityLoad.plan(USERS, requests, RATE, HORIZON, scenario.seed());
    try (Deployment deployment =
        Deployment.start(dir, load.catalogText(), load.policyText(), WATCHERS, List.of())) {
      Deployment.WatcherSettings first =
          deployment.watcherSettings().withDecisionLog(dir.resolve("watcher.decisions.jsonl"));
      Deployment.WatcherSettings second =
          first.withIdentity("watcher-b").withDecisionLog(dir.resolve("watcher-b.decisions.jsonl"));
      WardenProcess a = deployment.startWatcher(first);
      WardenProcess b = deployment.startWatcher(second);
      load.prepare(deployment.admin, Duration.ofSeconds(2));

      load.send(() -> deployment.admin, requests, RATE);
      ReliabilityLoad.Settled settled = load.settle(deployment.admin, Duration.ofSeconds(60));
      a.terminate(Duration.ofSeconds(30));
      b.terminate(Duration.ofSeconds(30));

      List<Path> logs = List.of(first.decisionLog(), second.decisionLog());
      Invariants.Report report =
          Invariants.check(load.run(deployment.admin, settled, Set.copyOf(WATCHERS), logs));
      long byFirst = reviewsBy(deployment, "watcher");
      long bySecond = reviewsBy(deployment, "watcher-b");
      scenario
          .count("conflicts-409", Invariants.conflicts(logs))
          .count("reviews-watcher", byFirst)
          .count("reviews-watcher-b", bySecond)
          .count("catch-up-s", settled.took().toSeconds());
      if (byFirst == 0 || bySecond == 0) {
        throw new AssertionError(
            "one watcher made every review ("
                + byFirst
                + " against "
                + bySecond
                + "); the two never raced"
                + a.tail()
                + b.tail());
      }
      scenario.finish(report);
    }
  }

  private static long reviewsBy(Deployment deployment, String watcher) {
    return Invariants.auditTrail(deployment.admin).stream()
        .filter(e -> e.type().startsWith("REQUEST_APPROVED") || e.type().equals("REQUEST_DENIED"))
        .filter(e -> e.actor().name().equals(watcher))
        .count();
  }
}
