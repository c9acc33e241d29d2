package dev.warden.broker.store;

/** What a reviewer decided about a pending request. */
public enum ReviewDecision {
  APPROVE,
  DENY
}
