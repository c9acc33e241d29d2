package dev.warden.api.json;

import dev.warden.api.v1.Problem.FieldError;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A JSON body was rejected: either it is not JSON at all (with the line and column where reading
 * stopped), or it is JSON whose fields do not fit (with every offending field).
 */
public final class JsonInputException extends Exception {

  private final boolean malformed;
  private final int line;
  private final int column;
  private final List<FieldError> errors;

  private JsonInputException(
      String message, boolean malformed, int line, int column, List<FieldError> errors) {
    super(message);
    this.malformed = malformed;
    this.line = line;
    this.column = column;
    this.errors = List.copyOf(errors);
  }

  /** The text is not JSON; {@code line} and {@code column} are 1-based. */
  static JsonInputException malformed(String reason, int line, int column) {
    return new JsonInputException(
        "malformed JSON at line " + line + ", column " + column + ": " + reason,
        true,
        line,
        column,
        List.of());
  }

  /** The JSON does not fit the expected shape. */
  static JsonInputException invalid(List<FieldError> errors) {
    String summary =
        errors.stream().map(e -> e.field() + ": " + e.detail()).collect(Collectors.joining("; "));
    return new JsonInputException(summary, false, 0, 0, errors);
  }

  public boolean isMalformed() {
    return malformed;
  }

  /** The 1-based line where a malformed text stopped being JSON; 0 when not malformed. */
  public int line() {
    return line;
  }

  /** The 1-based column where a malformed text stopped being JSON; 0 when not malformed. */
  public int column() {
    return column;
  }

  /** The offending fields of well-formed JSON; empty when malformed. */
  public List<FieldError> errors() {
    return errors;
  }
}
