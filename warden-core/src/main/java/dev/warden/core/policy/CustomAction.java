package dev.warden.core.policy;

/** What a custom rule does to the pending request when its condition holds. */
public enum CustomAction {
  APPROVE("approve"),
  DENY("deny"),
  ESCALATE("escalate"),
  /** Deny the request and lock its user until a person removes the lock. */
  LOCK_USER("lock-user");

  private final String wireName;

  CustomAction(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
