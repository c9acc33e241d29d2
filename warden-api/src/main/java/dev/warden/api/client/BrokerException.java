package dev.warden.api.client;

/** A call to the broker did not succeed; the subclass says whether it answered at all. */
public class BrokerException extends RuntimeException {

  public BrokerException(String message) {
    super(message);
  }

  public BrokerException(String message, Throwable cause) {
    super(message, cause);
  }
}
