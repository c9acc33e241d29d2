package dev.warden.broker.store;

/**
 * One change on the watch history: the object as it was right after the change.
 *
 * <p>For {@link ChangeType#DELETED} the object is the last state before deletion, carrying the
 * deletion's version.
 */
public record ChangeEvent(long resourceVersion, ChangeType type, StoredObject object) {

  public ChangeEvent {
    if (object.resourceVersion() != resourceVersion) {
      throw new IllegalArgumentException(
          "event at version "
              + resourceVersion
              + " carries a "
              + object.kind()
              + " snapshot at version "
              + object.resourceVersion());
    }
  }

  /** {@code request} or {@code lock}. */
  public String kind() {
    return object.kind();
  }
}
