package dev.warden.api.v1;

/**
 * One line of the {@code GET /v1/watch} stream.
 *
 * <p>On the wire every event is {@code {"type", "kind", "object", "resourceVersion"}}; a bookmark
 * carries a null kind and object and only advances the position a watcher may resume from.
 */
public sealed interface WatchEvent {

  /** The version to resume watching from after this event. */
  long resourceVersion();

  /** What happened to the object of a change. */
  enum ChangeType {
    ADDED,
    MODIFIED,
    DELETED
  }

  /** A request was added or changed. */
  record RequestChange(ChangeType type, RequestObject object, long resourceVersion)
      implements WatchEvent {}

  /** A lock was added, changed or deleted; a deleted lock is shown as it last was. */
  record LockChange(ChangeType type, LockObject object, long resourceVersion)
      implements WatchEvent {}

  /** No change, only the position: every change up to {@code resourceVersion} was sent. */
  record Bookmark(long resourceVersion) implements WatchEvent {}
}
