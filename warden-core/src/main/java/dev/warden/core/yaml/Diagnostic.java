package dev.warden.core.yaml;

import org.jspecify.annotations.Nullable;

/**
 * One finding about an input file, with its position.
 *
 * @param source the file name as the user gave it
 * @param line 1-based line
 * @param column 1-based column
 * @param code a stable, kebab-case identifier of the kind of finding, such as {@code unknown-key}
 * @param hint what to do about it, or null
 */
public record Diagnostic(
    String source,
    int line,
    int column,
    Severity severity,
    String code,
    String message,
    @Nullable String hint) {

  /** {@code file:line:column: severity: message [code]}, and the hint on a second line. */
  public String format() {
    String head =
        source
            + ":"
            + line
            + ":"
            + column
            + ": "
            + severity.label()
            + ": "
            + message
            + " ["
            + code
            + "]";
    return hint == null ? head : head + "\n  hint: " + hint;
  }

  @Override
  public String toString() {
    return format();
  }
}
