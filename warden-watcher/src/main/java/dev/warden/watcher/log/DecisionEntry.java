package dev.warden.watcher.log;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The body of a decision record: everything but the fields the log itself assigns ({@code seq},
 * {@code time}, {@code phase}, {@code prev}, {@code hash}).
 *
 * <p>The field names here are the decision log's public format; see {@code docs/decision-log.md}.
 *
 * @param requested what the decided request asked for, or null for a resync: recorded so that the
 *     log alone tells an auditor what was asked, and so that a replay can run it again
 */
public record DecisionEntry(
    String decisionId,
    PolicyRef policy,
    String mode,
    Actor identity,
    Trigger trigger,
    String user,
    @Nullable String request,
    String outcome,
    List<RuleEntry> rules,
    List<ActionEntry> actions,
    Grants before,
    Grants after,
    @Nullable Requested requested) {

  public DecisionEntry {
    rules = List.copyOf(rules);
    actions = List.copyOf(actions);
  }

  /** An entry that records no request content, such as one about a resync. */
  public DecisionEntry(
      String decisionId,
      PolicyRef policy,
      String mode,
      Actor identity,
      Trigger trigger,
      String user,
      @Nullable String request,
      String outcome,
      List<RuleEntry> rules,
      List<ActionEntry> actions,
      Grants before,
      Grants after) {
    this(
        decisionId,
        policy,
        mode,
        identity,
        trigger,
        user,
        request,
        outcome,
        rules,
        actions,
        before,
        after,
        null);
  }

  /**
   * What a pending request asked for.
   *
   * @param ttl as an ISO-8601 duration, such as {@code PT4H}
   * @param created as an RFC 3339 time
   */
  public record Requested(
      List<String> roles, List<String> resources, String reason, String ttl, String created) {
    public Requested {
      roles = List.copyOf(roles);
      resources = List.copyOf(resources);
    }

    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("roles", new ArrayList<Object>(roles));
      json.put("resources", new ArrayList<Object>(resources));
      json.put("reason", reason);
      json.put("ttl", ttl);
      json.put("created", created);
      return json;
    }
  }

  /** The policy a decision was made under. */
  public record PolicyRef(String name, String sha256) {}

  /** The watcher's identity: its name and the serial of the certificate it acted with. */
  public record Actor(String name, String serial) {}

  /**
   * What caused the decision: a watch event (kind, object id, resource version) or a resync.
   *
   * @param resourceVersion null for a resync
   */
  public record Trigger(String kind, @Nullable String id, @Nullable Long resourceVersion) {

    public static Trigger resync() {
      return new Trigger("resync", null, null);
    }

    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("kind", kind);
      if (!kind.equals("resync")) {
        json.put("id", id);
        json.put("resourceVersion", resourceVersion);
      }
      return json;
    }
  }

  /** A rule that matched, with its reason. */
  public record RuleEntry(String name, String reason) {}

  /**
   * One action and, in outcome records, how it went.
   *
   * @param type approve, deny or lock
   * @param target the request id, or for a lock its target as {@code kind:value}
   * @param result null in intent records; applied, failed, dry-run or skipped in outcome records
   */
  public record ActionEntry(
      String type,
      String target,
      @Nullable String lockId,
      @Nullable Instant expires,
      @Nullable String result,
      @Nullable String error) {

    public ActionEntry withResult(String newResult, @Nullable String newError) {
      return new ActionEntry(type, target, lockId, expires, newResult, newError);
    }

    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("type", type);
      json.put("target", target);
      json.put("lockId", lockId);
      json.put("expires", expires == null ? null : expires.toString());
      json.put("result", result);
      json.put("error", error);
      return json;
    }
  }

  /** A user's active and locked grants, as request ids. */
  public record Grants(List<String> active, List<String> locked) {
    public Grants {
      active = List.copyOf(active);
      locked = List.copyOf(locked);
    }

    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("active", new ArrayList<Object>(active));
      json.put("locked", new ArrayList<Object>(locked));
      return json;
    }
  }

  /** This entry with its actions replaced, for the outcome record. */
  public DecisionEntry withActions(List<ActionEntry> newActions) {
    return new DecisionEntry(
        decisionId,
        policy,
        mode,
        identity,
        trigger,
        user,
        request,
        outcome,
        rules,
        newActions,
        before,
        after,
        requested);
  }

  /** The decision's policy, outcome, rules and actions: what a shadow record compares against. */
  Map<String, Object> summaryJson() {
    Map<String, Object> full = toJson();
    Map<String, Object> json = new LinkedHashMap<>();
    for (String key : List.of("policy", "mode", "outcome", "rules", "actions", "after")) {
      json.put(key, full.get(key));
    }
    return json;
  }

  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("decisionId", decisionId);
    json.put("policy", Map.of("name", policy.name(), "sha256", policy.sha256()));
    json.put("mode", mode);
    json.put("identity", Map.of("name", identity.name(), "serial", identity.serial()));
    json.put("trigger", trigger.toJson());
    json.put("user", user);
    json.put("request", request);
    json.put("outcome", outcome);
    List<Object> ruleList = new ArrayList<>();
    for (RuleEntry rule : rules) {
      ruleList.add(Map.of("name", rule.name(), "reason", rule.reason()));
    }
    json.put("rules", ruleList);
    List<Object> actionList = new ArrayList<>();
    for (ActionEntry action : actions) {
      actionList.add(action.toJson());
    }
    json.put("actions", actionList);
    json.put("before", before.toJson());
    json.put("after", after.toJson());
    json.put("requested", requested == null ? null : requested.toJson());
    return json;
  }
}
