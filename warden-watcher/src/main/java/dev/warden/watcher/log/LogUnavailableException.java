package dev.warden.watcher.log;

/**
 * The decision log could not make a record durable. The caller must not act on the decision: Warden
 * fails closed when it cannot record what it does.
 */
public final class LogUnavailableException extends Exception {

  public LogUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public LogUnavailableException(String message) {
    super(message);
  }
}
