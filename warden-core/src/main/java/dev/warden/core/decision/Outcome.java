package dev.warden.core.decision;

/** What a decision does to the pending request; NONE when there is none (a resync). */
public enum Outcome {
  APPROVE,
  DENY,
  ESCALATE,
  NONE
}
