package dev.warden.watcher.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.catalog.UserName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One user's runs in order and merged, different users in parallel. */
class UserQueueTest {

  private static final UserName BUSY = UserName.of("busy");
  private static final UserName ALICE = UserName.of("alice");
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  /**
   * An event that merged into a resync already queued for the same user used to run under the
   * resync's name, so its decision was recorded as a resync and its latency never measured.
   */
  @Test
  void eventMergedIntoAQueuedResync_runsUnderTheEvent() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Trigger> seen = new CopyOnWriteArrayList<>();
    Trigger event = new Trigger("request", "r-1", 7L, NOW);
    try (UserQueue queue =
        new UserQueue(
            1,
            (user, trigger) -> {
              if (user.equals(BUSY)) {
                await(release);
              } else {
                seen.add(trigger);
              }
              return UserQueue.Result.DONE;
            })) {
      queue.submit(BUSY, Trigger.resync(NOW));
      queue.submit(ALICE, Trigger.resync(NOW));
      queue.submit(ALICE, event);
      queue.submit(ALICE, Trigger.resync(NOW));

      release.countDown();
      assertThat(queue.awaitIdle(Duration.ofSeconds(10))).isTrue();
    }

    assertThat(seen).containsExactly(event);
  }

  @Test
  void triggersArrivingWhileAUserRuns_causeExactlyOneMoreRun() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Trigger> seen = new CopyOnWriteArrayList<>();
    try (UserQueue queue =
        new UserQueue(
            2,
            (user, trigger) -> {
              seen.add(trigger);
              if (seen.size() == 1) {
                running.countDown();
                await(release);
              }
              return UserQueue.Result.DONE;
            })) {
      queue.submit(ALICE, Trigger.resync(NOW));
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 5; i++) {
        queue.submit(ALICE, new Trigger("request", "r-" + i, (long) i, NOW));
      }

      release.countDown();
      assertThat(queue.awaitIdle(Duration.ofSeconds(10))).isTrue();
    }

    assertThat(seen).hasSize(2);
    assertThat(seen.get(1).id())
        .as("the earliest event: latency counts from the first change the run answers")
        .isEqualTo("r-0");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
