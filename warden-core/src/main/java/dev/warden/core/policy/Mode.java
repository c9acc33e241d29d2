package dev.warden.core.policy;

/** Whether the watcher carries out decisions or only records what it would have done. */
public enum Mode {
  ENFORCE("enforce"),
  DRY_RUN("dry-run");

  private final String wireName;

  Mode(String wireName) {
    this.wireName = wireName;
  }

  /** The spelling used in policy and configuration files. */
  public String wireName() {
    return wireName;
  }
}
