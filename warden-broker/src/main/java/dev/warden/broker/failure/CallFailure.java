package dev.warden.broker.failure;

import dev.warden.api.v1.Problem.FieldError;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A call was refused for a reason the caller can act on; each subclass is one kind of refusal. */
public abstract sealed class CallFailure extends RuntimeException {

  protected CallFailure(String message) {
    super(message, null, false, false);
  }

  /** The body or the query is not acceptable; {@code errors} names each offending field. */
  public static final class InvalidInput extends CallFailure {
    private final List<FieldError> errors;

    public InvalidInput(String message, List<FieldError> errors) {
      super(summary(message, errors));
      this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
      return errors;
    }

    private static String summary(String message, List<FieldError> errors) {
      StringBuilder text = new StringBuilder(message);
      String separator = ": ";
      for (FieldError error : errors) {
        if (!message.contains(error.detail())) {
          text.append(separator).append(error.field()).append(' ').append(error.detail());
          separator = "; ";
        }
      }
      return text.toString();
    }
  }

  /** The body is longer than the limit. */
  public static final class BodyTooLarge extends CallFailure {
    public BodyTooLarge(long limit) {
      super("the body is longer than " + limit + " bytes, the limit");
    }
  }

  /** The caller presented no certificate, or one the broker does not know or no longer accepts. */
  public static final class Unauthenticated extends CallFailure {
    public Unauthenticated(String message) {
      super(message);
    }
  }

  /**
   * The caller lacks a permission.
   *
   * @see #permission()
   */
  public static final class Forbidden extends CallFailure {
    private final String permission;

    public Forbidden(String permission, String message) {
      super(message);
      this.permission = permission;
    }

    /** The missing permission, as {@code verb resource}, such as {@code create reviews}. */
    public String permission() {
      return permission;
    }
  }

  /** The call is allowed but refused by the state of things, such as a locked user. */
  public static final class Refused extends CallFailure {
    private final String reason;

    public Refused(String reason, String message) {
      super(message);
      this.reason = reason;
    }

    /** A kebab-case name of the refusal, such as {@code user-locked}. */
    public String reason() {
      return reason;
    }
  }

  /** No such request, lock or path. */
  public static final class NotFound extends CallFailure {
    public NotFound(String message) {
      super(message);
    }
  }

  /** The path exists but not with this method. */
  public static final class MethodNotAllowed extends CallFailure {
    private final List<String> allowed;

    public MethodNotAllowed(String method, String path, List<String> allowed) {
      super(method + " is not allowed on " + path + "; use " + String.join(" or ", allowed));
      this.allowed = List.copyOf(allowed);
    }

    public List<String> allowed() {
      return allowed;
    }
  }

  /**
   * The object is not in a state the call can apply to; {@code current} is its wire form as it now
   * is.
   */
  public static final class Conflict extends CallFailure {
    private final @Nullable Object current;

    public Conflict(String message, @Nullable Object current) {
      super(message);
      this.current = current;
    }

    public @Nullable Object current() {
      return current;
    }
  }

  /** A watch asked for changes older than the retained history. */
  public static final class Gone extends CallFailure {
    public Gone(String message) {
      super(message);
    }
  }

  /** The broker cannot serve now, for example because its store fails. */
  public static final class Unavailable extends CallFailure {
    public Unavailable(String message) {
      super(message);
    }
  }
}
