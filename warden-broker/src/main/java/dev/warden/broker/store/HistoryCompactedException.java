package dev.warden.broker.store;

/**
 * The watch history no longer holds every change after the version asked for: the caller must list
 * again and watch from the listing's version.
 */
public final class HistoryCompactedException extends Exception {

  private final long requested;
  private final long oldestRetained;

  public HistoryCompactedException(long requested, long oldestRetained) {
    super(
        "changes after version "
            + requested
            + " are no longer retained; the history starts at version "
            + oldestRetained
            + ", so list again and watch from the listing's version");
    this.requested = requested;
    this.oldestRetained = oldestRetained;
  }

  /** The version the caller asked to resume after. */
  public long requested() {
    return requested;
  }

  /** The oldest version still in the history; resuming after {@code oldestRetained - 1} works. */
  public long oldestRetained() {
    return oldestRetained;
  }
}
