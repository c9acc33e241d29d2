package dev.warden.watcher.log;

import java.time.Instant;
import java.util.List;

/** Decision entries for tests. */
final class Entries {

  private Entries() {}

  static DecisionEntry approval(String decisionId, String user, String request) {
    return new DecisionEntry(
        decisionId,
        new DecisionEntry.PolicyRef("default", "ab".repeat(32)),
        "enforce",
        new DecisionEntry.Actor("watcher", "0a1b2c"),
        new DecisionEntry.Trigger("request", request, 17L),
        user,
        request,
        "APPROVE",
        List.of(new DecisionEntry.RuleEntry("max-active-resources", "r0 is the oldest")),
        List.of(
            new DecisionEntry.ActionEntry(
                "lock",
                "request:r0",
                "warden-max-active-resources-r0",
                Instant.parse("2026-01-01T18:00:00Z"),
                null,
                null),
            new DecisionEntry.ActionEntry("approve", request, null, null, null, null)),
        new DecisionEntry.Grants(List.of("r0"), List.of()),
        new DecisionEntry.Grants(List.of(request), List.of("r0")));
  }
}
