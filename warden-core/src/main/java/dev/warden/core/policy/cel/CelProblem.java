package dev.warden.core.policy.cel;

import org.jspecify.annotations.Nullable;

/**
 * Why an expression does not compile, positioned within the expression itself.
 *
 * <p>The caller knows where the expression sits in its file and maps the position there.
 *
 * @param code a stable, kebab-case identifier: {@code cel-syntax}, {@code cel-type}, {@code
 *     cel-not-bool} or {@code cel-unsupported}
 * @param message CEL's own words, or ours where CEL has none
 * @param hint what to do about it, or null
 * @param line 1-based line within the expression, or 0 when the problem concerns all of it
 * @param column 1-based column (in code points) within that line, or 0 with {@code line}
 */
public record CelProblem(String code, String message, @Nullable String hint, int line, int column) {

  /** Whether the problem points at one place of the expression. */
  public boolean positioned() {
    return line > 0;
  }
}
