package dev.warden.broker.store;

import java.util.ArrayList;
import java.util.List;

/**
 * One write transaction of the group-commit writer, shared by the operations of one batch: it hands
 * out the store versions in order, starting after the version read under lock.
 */
final class WriteTransaction {

  private final Session session;
  private final long startVersion;
  private final long historyStart;
  private long version;
  private final List<ChangeEvent> changes = new ArrayList<>();

  WriteTransaction(Session session, long startVersion, long historyStart) {
    this.session = session;
    this.startVersion = startVersion;
    this.historyStart = historyStart;
    this.version = startVersion;
  }

  Session session() {
    return session;
  }

  /** The version for the next change in this transaction. */
  long nextVersion() {
    version++;
    return version;
  }

  /** The last version handed out, or the start version when nothing changed. */
  long version() {
    return version;
  }

  boolean changed() {
    return version != startVersion;
  }

  long historyStart() {
    return historyStart;
  }

  /** Notes a change this transaction wrote, for the commit listeners. */
  void recorded(ChangeEvent change) {
    changes.add(change);
  }

  /** The changes this transaction wrote, in version order. */
  List<ChangeEvent> changes() {
    return List.copyOf(changes);
  }
}
