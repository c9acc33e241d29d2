package dev.warden.broker.store;

/** An object the store versions and streams: a request or a lock. */
public sealed interface StoredObject permits StoredRequest, StoredLock {

  /** The kind as named on the watch stream: {@code request} or {@code lock}. */
  String kind();

  /** The object's id as text. */
  String id();

  /** The store version at which this snapshot of the object was written. */
  long resourceVersion();
}
