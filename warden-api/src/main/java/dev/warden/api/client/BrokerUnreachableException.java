package dev.warden.api.client;

/**
 * The broker could not be reached, did not answer in time, or broke off; retrying later may help.
 */
public class BrokerUnreachableException extends BrokerException {

  public BrokerUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }

  public BrokerUnreachableException(String message) {
    super(message);
  }
}
