package dev.warden.broker.store;

/** The store could not do what was asked: the database failed, or a write's outcome is unknown. */
public class StoreException extends RuntimeException {

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
