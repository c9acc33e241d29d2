package dev.warden.cli.bench;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.BrokerException;
import dev.warden.api.v1.RequestObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Sends a run's load open-loop: request {@code i} is due at {@code start + i / rate}, whether or
 * not earlier ones were answered, so a slow broker cannot quietly lower the offered rate.
 *
 * <p>Concurrency is bounded: at most {@link #MAX_IN_FLIGHT} calls are outstanding. When the broker
 * is slower than that allows, sends fall behind their schedule; the lag is measured and reported,
 * and past {@link #GIVE_UP_LAG} the run stops sending instead of running on without end.
 */
final class LoadDriver {

  static final int MAX_IN_FLIGHT = 64;
  static final Duration GIVE_UP_LAG = Duration.ofSeconds(30);

  /** A send counts as late when it left this much after it was due. */
  static final Duration LATE = Duration.ofMillis(50);

  /** One planned request and what the broker answered: the created request or an error. */
  record Sent(LoadPlan.Planned planned, @Nullable RequestObject created, @Nullable String error) {}

  /**
   * What the load did.
   *
   * @param maxLag the longest a send left after it was due
   * @param gaveUp whether sending stopped early because it fell too far behind
   */
  record Outcome(
      List<Sent> sent,
      Instant started,
      Instant finished,
      Duration maxLag,
      long lateSends,
      boolean gaveUp) {

    List<RequestObject> created() {
      List<RequestObject> created = new ArrayList<>(sent.size());
      for (Sent one : sent) {
        if (one.created() != null) {
          created.add(one.created());
        }
      }
      return created;
    }

    long failures() {
      return sent.stream().filter(s -> s.created() == null).count();
    }

    /** The first create that failed, for the report, or null. */
    @Nullable String firstFailure() {
      return sent.stream().map(Sent::error).filter(e -> e != null).findFirst().orElse(null);
    }
  }

  private LoadDriver() {}

  /** Sends {@code total} requests of {@code plan} at {@code rate} per second. */
  static Outcome run(BrokerClient client, LoadPlan plan, long total, double rate)
      throws InterruptedException {
    Sent[] sent = new Sent[Math.toIntExact(total)];
    Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    double periodNanos = 1e9 / rate;
    long maxLag = 0;
    long late = 0;
    int issued = 0;
    Instant started = Instant.now();
    long start = System.nanoTime();

    for (; issued < total; issued++) {
      LoadPlan.Planned planned = plan.next();
      long due = start + (long) (issued * periodNanos);
      sleepUntil(due);
      inFlight.acquire();
      long lag = System.nanoTime() - due;
      maxLag = Math.max(maxLag, lag);
      late += lag > LATE.toNanos() ? 1 : 0;
      if (lag > GIVE_UP_LAG.toNanos()) {
        inFlight.release();
        break;
      }
      int index = issued;
      Thread.ofVirtual().start(() -> send(client, planned, sent, index, inFlight));
    }

    // Taking every permit waits for the last answers and makes their slots visible here.
    inFlight.acquire(MAX_IN_FLIGHT);
    List<Sent> results = new ArrayList<>(issued);
    for (int i = 0; i < issued; i++) {
      results.add(sent[i]);
    }
    return new Outcome(
        results, started, Instant.now(), Duration.ofNanos(maxLag), late, issued < total);
  }

  private static void send(
      BrokerClient client, LoadPlan.Planned planned, Sent[] sent, int index, Semaphore inFlight) {
    try {
      RequestObject created = client.createRequest(planned.toNewRequest());
      sent[index] = new Sent(planned, created, null);
    } catch (BrokerException e) {
      sent[index] = new Sent(planned, null, e.getMessage());
    } catch (RuntimeException e) {
      sent[index] = new Sent(planned, null, "bug: " + e);
    } finally {
      inFlight.release();
    }
  }

  private static void sleepUntil(long due) {
    long left;
    while ((left = due - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }
}
