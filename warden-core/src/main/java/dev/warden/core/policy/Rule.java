package dev.warden.core.policy;

import java.time.Duration;
import java.util.List;

/**
 * One rule of a policy. Each rule type is a record; {@code decide} switches over them.
 *
 * <p>The {@link #type()} is the spelling used in policy files.
 */
public sealed interface Rule {

  /** The rule's unique name within its policy; it appears in reasons and lock ids. */
  String name();

  /** The rule type as written in policy files, such as {@code request-resource-limit}. */
  String type();

  /** A pending request may ask for at most {@code max} resources (and roles, if counted). */
  record RequestResourceLimit(String name, int max, boolean countRoles) implements Rule {
    @Override
    public String type() {
      return "request-resource-limit";
    }
  }

  /** A user may hold at most {@code max} active resources (and roles, if counted) at once. */
  record ActiveResourceLimit(String name, int max, boolean countRoles, Resolve resolve)
      implements Rule {
    @Override
    public String type() {
      return "active-resource-limit";
    }
  }

  /** A user may never hold access in two of these environments at once. */
  record ExclusiveEnvironments(String name, List<String> environments, Resolve resolve)
      implements Rule {
    public ExclusiveEnvironments {
      environments = List.copyOf(environments);
    }

    @Override
    public String type() {
      return "exclusive-environments";
    }
  }

  /** A pending request may ask for at most {@code max} of time. */
  record MaxTtl(String name, Duration max) implements Rule {
    @Override
    public String type() {
      return "max-ttl";
    }
  }

  /** A user may have at most {@code max} pending requests besides the one being decided. */
  record PendingLimit(String name, int max) implements Rule {
    @Override
    public String type() {
      return "pending-limit";
    }
  }

  /** A pending request must give a reason of at least {@code minLength} characters. */
  record RequireReason(String name, int minLength) implements Rule {

    /**
     * The largest {@code minLength}: the broker refuses strings over 1 KiB, so a longer one could
     * never be met, and tools that make a complying reason (the matrix) would build one that long.
     */
    public static final int MAX_MIN_LENGTH = 1024;

    @Override
    public String type() {
      return "require-reason";
    }
  }

  /** More than {@code max} approvals of a user's requests within {@code window} escalate. */
  record ApprovalRateLimit(String name, int max, Duration window) implements Rule {
    /**
     * The longest {@code window}: the watcher keeps every decided request this long to count its
     * approvals, and a window beyond the range of times could not be subtracted from now at all.
     */
    public static final Duration MAX_WINDOW = Duration.ofDays(366);

    @Override
    public String type() {
      return "approval-rate-limit";
    }
  }

  /**
   * A rule whose condition is a CEL expression.
   *
   * @param when the expression as written, for display
   * @param condition the compiled expression
   * @param reason the sentence given when the condition holds
   */
  record Custom(String name, String when, Condition condition, CustomAction action, String reason)
      implements Rule {
    @Override
    public String type() {
      return "custom";
    }
  }
}
