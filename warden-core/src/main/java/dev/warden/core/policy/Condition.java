package dev.warden.core.policy;

/**
 * A compiled custom-rule condition. Implementations are pure: the same input gives the same answer.
 */
public interface Condition {

  /**
   * Evaluates the condition.
   *
   * @return whether the condition holds
   * @throws ConditionException when the expression cannot be evaluated on this input (for example a
   *     missing trait used as a string); the caller must treat that as "undecided", never as false
   */
  boolean test(ConditionInput input) throws ConditionException;

  /**
   * Whether the condition reads {@code active}. Building the active grants' maps costs more than
   * the rest of the input, so a caller may pass an empty list when no condition reads them.
   */
  default boolean readsActive() {
    return true;
  }
}
