package dev.warden.watcher.reconcile;

import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.RequestId;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.decision.Action;
import dev.warden.core.decision.Decision;
import dev.warden.core.decision.RuleError;
import dev.warden.core.decision.RuleMatch;
import dev.warden.core.decision.Snapshot;
import dev.warden.core.policy.Policy;
import dev.warden.watcher.log.DecisionEntry;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Turns a {@link Decision} into the body of its decision log records. */
final class DecisionEntries {

  private DecisionEntries() {}

  static DecisionEntry of(
      String decisionId,
      Policy policy,
      String mode,
      DecisionEntry.Actor identity,
      Trigger trigger,
      String user,
      Decision decision,
      @Nullable AccessRequest decided) {
    List<DecisionEntry.RuleEntry> rules = new ArrayList<>();
    for (RuleMatch match : decision.matches()) {
      rules.add(new DecisionEntry.RuleEntry(match.rule(), match.reason()));
    }
    for (RuleError error : decision.errors()) {
      rules.add(
          new DecisionEntry.RuleEntry(error.rule(), "could not be evaluated: " + error.message()));
    }
    List<DecisionEntry.ActionEntry> actions = new ArrayList<>();
    for (Action action : decision.actions()) {
      actions.add(actionEntry(action));
    }
    DecisionEntry.Trigger logged =
        trigger.isResync()
            ? DecisionEntry.Trigger.resync()
            : new DecisionEntry.Trigger(trigger.kind(), trigger.id(), trigger.resourceVersion());
    RequestId request = decision.request();
    return new DecisionEntry(
        decisionId,
        new DecisionEntry.PolicyRef(policy.name(), policy.sha256()),
        mode,
        identity,
        logged,
        user,
        request == null ? null : request.value(),
        decision.outcome().name(),
        rules,
        actions,
        grants(decision.before()),
        grants(decision.after()),
        decided == null || request == null ? null : requested(decided));
  }

  /** What the decided request asked for, as the log records it. */
  static DecisionEntry.Requested requested(AccessRequest request) {
    return new DecisionEntry.Requested(
        request.roles().stream().map(RoleName::value).toList(),
        request.resources().stream().map(ResourceId::value).toList(),
        request.reason(),
        request.ttl().toString(),
        request.created().toString());
  }

  static DecisionEntry.ActionEntry actionEntry(Action action) {
    return switch (action) {
      case Action.Approve a ->
          new DecisionEntry.ActionEntry("approve", a.request().value(), null, null, null, null);
      case Action.Deny d ->
          new DecisionEntry.ActionEntry("deny", d.request().value(), null, null, null, null);
      case Action.Lock l ->
          new DecisionEntry.ActionEntry(
              "lock",
              l.target().kind() + ":" + l.target().value(),
              l.id().value(),
              l.expires(),
              null,
              null);
    };
  }

  private static DecisionEntry.Grants grants(Snapshot snapshot) {
    return new DecisionEntry.Grants(
        snapshot.active().stream().map(RequestId::value).toList(),
        snapshot.locked().stream().map(RequestId::value).toList());
  }

  /** What identifies a decision's effect, to recognise the same decision made again. */
  static String fingerprint(Decision decision) {
    StringBuilder text = new StringBuilder(decision.outcome().name());
    for (Action action : decision.actions()) {
      text.append('|').append(action.type()).append(':');
      switch (action) {
        case Action.Approve a -> text.append(a.request());
        case Action.Deny d -> text.append(d.request());
        case Action.Lock l -> text.append(l.id());
      }
    }
    for (RuleMatch match : decision.matches()) {
      text.append("|rule:").append(match.rule());
    }
    for (RuleError error : decision.errors()) {
      text.append("|error:").append(error.rule());
    }
    return text.toString();
  }
}
