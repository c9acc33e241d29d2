package dev.warden.core.policy.lint;

import dev.warden.core.policy.CustomAction;
import dev.warden.core.policy.Rule;
import org.jspecify.annotations.Nullable;

/**
 * When one rule makes another redundant: whenever the shadowed rule matches, the other matches too
 * with the same effect on the outcome.
 */
final class Shadowing {

  private Shadowing() {}

  /**
   * Why {@code rule} can never change an outcome because of {@code other}, or null.
   *
   * @param otherFirst whether {@code other} comes before {@code rule} in the policy; the state
   *     rules depend on it, the request rules do not
   */
  static @Nullable String shadowedBy(Rule rule, Rule other, boolean otherFirst) {
    return switch (rule) {
      case Rule.RequestResourceLimit r when other instanceof Rule.RequestResourceLimit o ->
          countsAtLeast(o.countRoles(), r.countRoles()) && o.max() <= r.max()
              ? "it denies requests for more than " + o.max() + " " + unit(o.countRoles())
              : null;
      case Rule.MaxTtl r when other instanceof Rule.MaxTtl o ->
          o.max().compareTo(r.max()) <= 0 ? "it denies requests for more than " + o.max() : null;
      case Rule.PendingLimit r when other instanceof Rule.PendingLimit o ->
          o.max() <= r.max() ? "it denies at " + o.max() + " other pending requests" : null;
      case Rule.RequireReason r when other instanceof Rule.RequireReason o ->
          o.minLength() >= r.minLength()
              ? "it asks for reasons of at least " + o.minLength() + " characters"
              : null;
      case Rule.ApprovalRateLimit r when other instanceof Rule.ApprovalRateLimit o ->
          o.max() <= r.max() && o.window().compareTo(r.window()) >= 0
              ? "it escalates at " + o.max() + " approvals within " + o.window()
              : null;
      case Rule.ActiveResourceLimit r when other instanceof Rule.ActiveResourceLimit o ->
          otherFirst && countsAtLeast(o.countRoles(), r.countRoles()) && o.max() <= r.max()
              ? "it comes first and keeps at most "
                  + o.max()
                  + " "
                  + unit(o.countRoles())
                  + " active, so nothing is left for this rule to lock or refuse"
              : null;
      case Rule.ExclusiveEnvironments r when other instanceof Rule.ExclusiveEnvironments o ->
          otherFirst && o.environments().containsAll(r.environments())
              ? "it comes first and separates "
                  + String.join(", ", o.environments())
                  + ", which include all of this rule's environments"
              : null;
      case Rule.Custom r when other instanceof Rule.Custom o -> sameCustom(r, o);
      default -> null;
    };
  }

  private static @Nullable String sameCustom(Rule.Custom rule, Rule.Custom other) {
    if (!Conditions.same(rule.when(), other.when())) {
      return null;
    }
    boolean sameAction = rule.action() == other.action() && rule.action() != CustomAction.LOCK_USER;
    // A deny rule adds nothing to a lock-user rule on the same condition, which denies as well;
    // two lock-user rules are not redundant, since each locks the user under its own lock id.
    boolean denyUnderLock =
        rule.action() == CustomAction.DENY && other.action() == CustomAction.LOCK_USER;
    if (sameAction || denyUnderLock) {
      return "it has the same condition and " + other.action().wireName() + " action";
    }
    return null;
  }

  /** Whether a rule counting {@code roles} counts at least as much as one counting {@code than}. */
  private static boolean countsAtLeast(boolean roles, boolean than) {
    return roles || !than;
  }

  private static String unit(boolean countRoles) {
    return countRoles ? "roles and resources" : "resources";
  }
}
