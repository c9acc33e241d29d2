package dev.warden.core.replay;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.decision.Outcome;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One request of the history to replay.
 *
 * @param request the request as it was when it arrived: pending, with what it asked for
 * @param at when it was decided, the simulated time of its decision; never before {@code created}
 * @param recorded what was decided at the time, when the history records it (a decision log does, a
 *     broker export does not)
 */
public record RecordedRequest(AccessRequest request, Instant at, @Nullable Recorded recorded) {

  public RecordedRequest {
    if (!request.isPending()) {
      throw new IllegalArgumentException("request " + request.id() + " must be replayed pending");
    }
    if (at.isBefore(request.created())) {
      throw new IllegalArgumentException(
          "request " + request.id() + " is decided at " + at + ", before it was created");
    }
  }

  /**
   * A decision as the history recorded it.
   *
   * @param rules the names of the rules that matched
   * @param locks what it locked: request ids, or {@code kind:value} for other targets
   */
  public record Recorded(Outcome outcome, List<String> rules, List<String> locks) {
    public Recorded {
      rules = List.copyOf(rules);
      locks = List.copyOf(locks);
    }
  }
}
