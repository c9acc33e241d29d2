package dev.warden.core.replay;

import java.util.List;
import java.util.Map;

/**
 * What a replay found.
 *
 * @param decisions requests replayed
 * @param skipped history entries not replayed, because their request had been replayed already
 * @param sameOutcome decisions whose outcome is the same under both sides
 * @param transitions for each changed outcome, {@code BASELINE→CANDIDATE}, how many
 * @param baselineLocks locks the baseline's decisions placed
 * @param candidateLocks locks the candidate's decisions placed
 * @param changed decisions that differ in outcome or in what they lock
 * @param cases the first changed cases, in time order, as many as were asked for
 */
public record ReplaySummary(
    long decisions,
    long skipped,
    long sameOutcome,
    Map<String, Long> transitions,
    long baselineLocks,
    long candidateLocks,
    long changed,
    List<ChangedCase> cases) {

  public ReplaySummary {
    transitions = Map.copyOf(transitions);
    cases = List.copyOf(cases);
  }

  public long changedOutcome() {
    return decisions - sameOutcome;
  }
}
