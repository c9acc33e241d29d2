package dev.warden.broker.store;

/** How an object changed, as named on the watch stream. */
public enum ChangeType {
  ADDED,
  MODIFIED,
  DELETED
}
