package dev.warden.broker.store;

/** What became of a lock creation; ids make creation idempotent. */
public sealed interface LockWrite {

  /** The lock as stored after the call. */
  StoredLock lock();

  /** The lock was new and is now stored. */
  record Created(StoredLock lock) implements LockWrite {}

  /** A lock with this id and the same content already existed; nothing was written. */
  record Unchanged(StoredLock lock) implements LockWrite {}

  /** A lock with this id but different content exists; {@code lock} is that existing lock. */
  record Conflict(StoredLock lock) implements LockWrite {}
}
