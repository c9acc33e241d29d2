package dev.warden.core.cases;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.catalog.UserName;
import dev.warden.core.yaml.Position;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One test case: a user's situation, the time, and the decision the policy must reach.
 *
 * @param at where the case starts in its file
 * @param given the user's requests before the decision, in any state
 * @param locks the locks in force
 * @param request the pending request to decide, or null to check a resync of {@code given}
 */
public record PolicyCase(
    String name,
    Position at,
    Instant now,
    UserName user,
    List<AccessRequest> given,
    List<Lock> locks,
    @Nullable AccessRequest request,
    Expectation expect) {

  public PolicyCase {
    given = List.copyOf(given);
    locks = List.copyOf(locks);
  }
}
