package dev.warden.cli;

import dev.warden.core.policy.Rule;

/** One line per rule: what the loader understood, in words. */
final class RuleText {

  private RuleText() {}

  static String describe(Rule rule) {
    String what =
        switch (rule) {
          case Rule.RequestResourceLimit r ->
              "a request may ask for at most "
                  + r.max()
                  + (r.countRoles() ? " roles and" : "")
                  + " resources";
          case Rule.ActiveResourceLimit r ->
              "a user may hold at most "
                  + r.max()
                  + (r.countRoles() ? " roles and" : "")
                  + " active resources; "
                  + r.resolve().wireName();
          case Rule.ExclusiveEnvironments r ->
              "no user holds "
                  + String.join(" and ", r.environments())
                  + " at once; "
                  + r.resolve().wireName();
          case Rule.MaxTtl r -> "a request may ask for at most " + r.max();
          case Rule.PendingLimit r ->
              "a user may have at most " + r.max() + " other pending requests";
          case Rule.RequireReason r -> "a reason of at least " + r.minLength() + " characters";
          case Rule.ApprovalRateLimit r ->
              "at most "
                  + r.max()
                  + " auto-approvals per user in "
                  + r.window()
                  + ", then a person decides";
          case Rule.Custom r -> r.action().wireName() + " when " + r.when().strip();
        };
    return String.format("  %-32s %-24s %s", rule.name(), rule.type(), what);
  }
}
