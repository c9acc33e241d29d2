package dev.warden.core.policy.cel;

import dev.cel.common.CelErrorCode;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import dev.warden.core.policy.Condition;
import dev.warden.core.policy.ConditionException;
import dev.warden.core.policy.ConditionInput;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A custom-rule condition compiled from CEL. Immutable and safe to share between threads.
 *
 * <p>Built by {@link CelConditionCompiler}, which has already checked every name and type, so what
 * can still go wrong is in the data: a missing map key, an overflow, an exhausted iteration budget.
 * Each of those is a {@link ConditionException}, never {@code false}.
 */
public final class CelCondition implements Condition {

  private static final Pattern LOCATION = Pattern.compile("evaluation error at [^:]*:(\\d+): ");

  private final String expression;
  private final CelRuntime.Program program;
  private final boolean readsRequest;
  private final boolean readsUser;
  private final boolean readsActive;

  CelCondition(String expression, CelRuntime.Program program, Set<String> variables) {
    this.expression = expression;
    this.program = program;
    this.readsRequest = variables.contains("request");
    this.readsUser = variables.contains("user");
    this.readsActive = variables.contains("active");
  }

  /** The expression as written. */
  public String expression() {
    return expression;
  }

  @Override
  public boolean test(ConditionInput input) throws ConditionException {
    Bindings bindings = bind(input);

    Object result;
    try {
      result = program.eval(bindings);
    } catch (CelEvaluationException e) {
      throw new ConditionException(failure(describe(e)), e);
    } catch (RuntimeException e) {
      // The interpreter should report every data problem as an evaluation error; anything else
      // escaping it is still this condition failing, and must not pass for a "no".
      throw new ConditionException(failure(e.toString()), e);
    }

    if (result instanceof Boolean holds) {
      return holds;
    }
    throw new ConditionException(failure("it gave " + result + " instead of true or false"));
  }

  /**
   * Adapts only the variables the expression reads, so a condition on the pending request alone
   * does not pay for checking every active grant.
   */
  private Bindings bind(ConditionInput input) throws ConditionException {
    return new Bindings(
        readsRequest
            ? ConditionValues.struct("request", input.request(), ConditionSchema.REQUEST_FIELDS)
            : null,
        readsUser
            ? ConditionValues.struct("user", input.user(), ConditionSchema.USER_FIELDS)
            : null,
        readsActive ? ConditionValues.requests("active", input.active()) : null,
        input.now());
  }

  private String failure(String why) {
    return "condition '" + abbreviated() + "' could not be evaluated: " + why;
  }

  private String abbreviated() {
    String oneLine = expression.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 117) + "...";
  }

  /** CEL's message, with its offset turned into words and its terse missing-key message named. */
  private static String describe(CelEvaluationException e) {
    String message = String.valueOf(e.getMessage());
    String where = "";
    Matcher location = LOCATION.matcher(message);
    if (location.lookingAt()) {
      where = " (at character " + (Long.parseLong(location.group(1)) + 1) + ")";
      message = message.substring(location.end());
    }
    if (e.getErrorCode() == CelErrorCode.ATTRIBUTE_NOT_FOUND) {
      message = "no such key or field: " + message;
    }
    return message + where;
  }

  @Override
  public String toString() {
    return "CelCondition[" + abbreviated() + "]";
  }

  /** The variables of one evaluation; null for those the expression does not read. */
  private record Bindings(
      @Nullable Map<String, Object> request,
      @Nullable Map<String, Object> user,
      @Nullable List<Map<String, Object>> active,
      Instant now)
      implements CelVariableResolver {

    @Override
    public Optional<Object> find(String name) {
      return Optional.ofNullable(
          switch (name) {
            case "request" -> request;
            case "user" -> user;
            case "active" -> active;
            case "now" -> now;
            default -> null;
          });
    }
  }
}
