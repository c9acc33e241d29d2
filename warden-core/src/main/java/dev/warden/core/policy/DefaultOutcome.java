package dev.warden.core.policy;

/** What happens to a pending request that no rule decides. */
public enum DefaultOutcome {
  APPROVE,
  DENY,
  ESCALATE
}
