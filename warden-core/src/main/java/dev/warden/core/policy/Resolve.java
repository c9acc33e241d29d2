package dev.warden.core.policy;

/** How a state rule restores its invariant when a new grant would break it. */
public enum Resolve {
  /** exclusive-environments: lock every active grant in another listed environment. */
  LOCK_OLDER("lock-older"),
  /** active-resource-limit: lock the oldest grants until the rest fit. */
  LOCK_OLDEST("lock-oldest"),
  /** Deny the new request instead of locking anything. */
  DENY_NEW("deny-new");

  private final String wireName;

  Resolve(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
