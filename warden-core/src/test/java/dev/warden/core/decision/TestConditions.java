package dev.warden.core.decision;

import dev.warden.core.policy.Condition;
import dev.warden.core.policy.ConditionException;
import dev.warden.core.policy.ConditionInput;
import java.util.Collection;
import java.util.Map;

/**
 * Custom-rule conditions written in Java, so engine tests can use custom rules without the CEL
 * compiler. Each one is pure, as the {@link Condition} contract asks.
 */
enum TestConditions implements Condition {
  ALWAYS {
    @Override
    public boolean test(ConditionInput input) {
      return true;
    }
  },
  NEVER {
    @Override
    public boolean test(ConditionInput input) {
      return false;
    }
  },
  /** {@code "production" in request.environments}. */
  PRODUCTION_REQUEST {
    @Override
    public boolean test(ConditionInput input) {
      return input.request().get("environments") instanceof Collection<?> environments
          && environments.contains("production");
    }
  },
  /** {@code !("oncall" in user.traits)}. */
  NOT_ON_CALL {
    @Override
    public boolean test(ConditionInput input) {
      return !(input.user().get("traits") instanceof Map<?, ?> traits
          && traits.containsKey("oncall"));
    }
  },
  /** {@code size(active) > 0}. */
  HOLDS_ACCESS {
    @Override
    public boolean test(ConditionInput input) {
      return !input.active().isEmpty();
    }
  },
  /** Stands for an expression that cannot be evaluated on this input. */
  FAILS {
    @Override
    public boolean test(ConditionInput input) throws ConditionException {
      throw new ConditionException("no such key: ticket");
    }
  }
}
