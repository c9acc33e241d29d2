package dev.warden.cli.reliability;

import dev.warden.cli.e2e.Deployment;
import dev.warden.cli.e2e.WardenProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher process killed with SIGKILL at random moments, again and again, while a load of
 * thousands of requests arrives, and started again each time on the same decision log.
 *
 * <p>A kill lands anywhere: during the JVM's start, during the start-up listing, between an intent
 * and its first action, between a lock and the approval it makes room for, between an action and
 * its outcome record. Whatever it interrupts, the next watcher must finish the work from the
 * broker's state and its own log, without doing anything twice, and the log must keep verifying.
 */
class WatcherCrashIT {

  /** Kills the default run must reach; each is followed by a restart. */
  private static final int MIN_KILLS = 50;

  private static final long REQUESTS = 5_000;
  private static final double RATE = 60;
  private static final int USERS = 500;

  /** The longest a watcher runs after it became ready before it is killed. */
  private static final int MAX_UP_MS = 600;

  /**
   * One restart in this many is killed again while the watcher is still starting (its JVM, its
   * permission check, its start-up listing): cheap kills, which keep the scenario's time within
   * CI's budget, and the moments where a watcher has read its log but not yet the broker.
   */
  private static final int DURING_START = 2;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void sigkillAtRandomMoments_restartedEachTime_keepsEveryInvariant() throws Exception {
    Scenario scenario = Scenario.start("watcher-crash");
    long requests = Scenario.requests(REQUESTS, RATE);
    ReliabilityLoad load = ReliabilityLoad.planForAnyDelay(USERS, requests, RATE, scenario.seed());
    try (Deployment deployment =
        Deployment.start(
            dir, load.catalogText(), load.policyText(), List.of("watcher"), List.of())) {
      Deployment.WatcherSettings settings = deployment.watcherSettings();
      deployment.startWatcher(settings);
      load.prepare(deployment.admin, Duration.ofSeconds(2));

      AtomicBoolean sending = new AtomicBoolean(true);
      Killer killer =
          new Killer(deployment, settings, scenario.random("kills"), sending, MIN_KILLS);
      Thread killing = Thread.ofPlatform().name("watcher-killer").start(killer);
      load.send(() -> deployment.admin, requests, RATE);
      sending.set(false);
      killing.join();
      if (killer.failure != null) {
        throw killer.failure;
      }

      deployment.startWatcher(settings);
      ReliabilityLoad.Settled settled = load.settle(deployment.admin, Duration.ofSeconds(60));
      deployment.watcher().terminate(Duration.ofSeconds(30));

      Invariants.Report report =
          Invariants.check(
              load.run(
                  deployment.admin, settled, Set.of("watcher"), List.of(settings.decisionLog())));
      scenario
          .count("kills", killer.kills)
          .count("kills-during-start", killer.duringStart)
          .count("catch-up-s", settled.took().toSeconds())
          .count(
              "start-to-ready-ms",
              killer.starts == 0 ? 0 : killer.startNanos / killer.starts / 1_000_000)
          .finish(report);
    }
  }

  /**
   * Kills and restarts the watcher until the load is sent and at least {@code minimum} kills are
   * done, and leaves it killed; after a kill the next watcher starts at once.
   */
  private static final class Killer implements Runnable {
    private final Deployment deployment;
    private final Deployment.WatcherSettings settings;
    private final SplittableRandom random;
    private final AtomicBoolean sending;
    private final int minimum;
    volatile int kills;
    volatile int duringStart;
    volatile int starts;
    volatile long startNanos;
    volatile AssertionError failure;

    Killer(
        Deployment deployment,
        Deployment.WatcherSettings settings,
        SplittableRandom random,
        AtomicBoolean sending,
        int minimum) {
      this.deployment = deployment;
      this.settings = settings;
      this.random = random;
      this.sending = sending;
      this.minimum = minimum;
    }

    @Override
    public void run() {
      try {
        while (true) {
          WardenProcess.sleep(Duration.ofMillis(random.nextInt(MAX_UP_MS)));
          deployment.watcher().kill();
          kills++;
          // Ends with the watcher dead, so that the test's own last watcher is the only one.
          if (!sending.get() && kills >= minimum) {
            return;
          }
          if (random.nextInt(DURING_START) == 0) {
            WardenProcess starting = deployment.launchWatcher(settings);
            WardenProcess.sleep(Duration.ofMillis(100 + random.nextInt(1_200)));
            starting.kill();
            kills++;
            duringStart++;
            if (!sending.get() && kills >= minimum) {
              return;
            }
          }
          long launched = System.nanoTime();
          deployment.startWatcher(settings);
          startNanos += System.nanoTime() - launched;
          starts++;
        }
      } catch (AssertionError e) {
        failure = e;
      } catch (Exception e) {
        failure = new AssertionError("the killer failed", e);
      }
    }
  }
}
