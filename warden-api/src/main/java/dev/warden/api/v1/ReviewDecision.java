package dev.warden.api.v1;

/** What a review decides about a pending request. */
public enum ReviewDecision {
  APPROVE,
  DENY
}
