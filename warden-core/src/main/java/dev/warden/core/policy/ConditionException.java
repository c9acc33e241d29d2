package dev.warden.core.policy;

/** A custom condition could not be evaluated; this is a policy problem, not a "no". */
public final class ConditionException extends Exception {

  public ConditionException(String message, Throwable cause) {
    super(message, cause);
  }

  public ConditionException(String message) {
    super(message);
  }
}
