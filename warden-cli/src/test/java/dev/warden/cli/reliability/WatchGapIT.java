package dev.warden.cli.reliability;

import dev.warden.cli.e2e.Deployment;
import dev.warden.cli.e2e.WardenProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher cut off from the broker again and again while requests keep coming, against a broker
 * that keeps only the latest few changes of its watch history ({@code --history-retention}): every
 * time the path comes back, the watch the watcher resumes from its old version is answered {@code
 * 410 Gone}, and the watcher must list everything again and miss nothing.
 *
 * <p>The load is the one for a watcher that may be late by any amount (no pending limit, see {@link
 * ReliabilityLoad#planForAnyDelay}): a cut path makes the watcher's reconnection back off and its
 * failed actions retry with backoff, so how long it stays behind is not bounded by the gap alone.
 */
class WatchGapIT {

  private static final long REQUESTS = 1_000;
  private static final double RATE = 50;
  private static final int USERS = 400;

  /** Far fewer changes than one gap lets through (a gap of two seconds at 50 requests/s). */
  private static final int RETENTION = 20;

  /** A gap lasts this long at most; the compactor runs once a second, so at least 1.5 s. */
  private static final int MAX_GAP_MS = 3_000;

  private static final int MIN_GAP_MS = 1_500;

  /** How long the path stays up between two gaps: long enough for the watcher to catch up. */
  private static final int MIN_UP_MS = 3_000;

  private static final int MAX_UP_MS = 6_000;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void watchResumedAfterCompaction_gets410_relistsAndMissesNothing() throws Exception {
    Scenario scenario = Scenario.start("watch-gap");
    long requests = Scenario.requests(REQUESTS, RATE);
    ReliabilityLoad load = ReliabilityLoad.planForAnyDelay(USERS, requests, RATE, scenario.seed());
    try (Deployment deployment =
            Deployment.start(
                dir,
                load.catalogText(),
                load.policyText(),
                List.of("watcher"),
                List.of("--history-retention", Integer.toString(RETENTION)));
        GapProxy proxy = GapProxy.start(deployment.brokerUri)) {
      Deployment.WatcherSettings settings = deployment.watcherSettings().withBroker(proxy.uri());
      WardenProcess watcher = deployment.startWatcher(settings);
      load.prepare(deployment.admin, Duration.ofSeconds(2));

      AtomicBoolean sending = new AtomicBoolean(true);
      AtomicInteger gaps = new AtomicInteger();
      SplittableRandom random = scenario.random("gaps");
      Thread cutter =
          Thread.ofPlatform()
              .name("gap-cutter")
              .start(
                  () -> {
                    while (sending.get()) {
                      WardenProcess.sleep(
                          Duration.ofMillis(MIN_UP_MS + random.nextInt(MAX_UP_MS - MIN_UP_MS)));
                      proxy.openGap();
                      gaps.incrementAndGet();
                      WardenProcess.sleep(
                          Duration.ofMillis(MIN_GAP_MS + random.nextInt(MAX_GAP_MS - MIN_GAP_MS)));
                      proxy.closeGap();
                    }
                  });
      load.send(() -> deployment.admin, requests, RATE);
      sending.set(false);
      cutter.join();

      ReliabilityLoad.Settled settled = load.settle(deployment.admin, Duration.ofSeconds(60));
      double gone = deployment.metric("warden_watch_history_gone_total");
      long goneLines =
          watcher.errorLines().stream().filter(l -> l.contains("history gone")).count();
      double reconnects = deployment.metric("warden_watch_reconnects_total");
      watcher.terminate(Duration.ofSeconds(30));

      Invariants.Report report =
          Invariants.check(
              load.run(
                  deployment.admin, settled, Set.of("watcher"), List.of(settings.decisionLog())));
      scenario
          .count("gaps", gaps.get())
          .count("410s", Double.isNaN(gone) ? 0 : (long) gone)
          .count("relist-log-lines", goneLines)
          .count("reconnects", Double.isNaN(reconnects) ? 0 : (long) reconnects)
          .count("retention", RETENTION)
          .count("catch-up-s", settled.took().toSeconds());
      if (Double.isNaN(gone) || gone < 1) {
        throw new AssertionError(
            "no 410 Gone happened in "
                + gaps.get()
                + " gaps; the scenario did not test what it is for"
                + watcher.tail());
      }
      scenario.finish(report);
    }
  }
}
