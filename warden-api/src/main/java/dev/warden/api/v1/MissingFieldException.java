package dev.warden.api.v1;

/** A required field of a body was absent or null; names the field so the error can say which. */
public final class MissingFieldException extends IllegalArgumentException {

  private final String field;

  public MissingFieldException(String field) {
    super("field '" + field + "' is required");
    this.field = field;
  }

  public String field() {
    return field;
  }
}
