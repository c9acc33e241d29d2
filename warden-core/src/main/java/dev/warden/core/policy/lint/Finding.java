package dev.warden.core.policy.lint;

import dev.warden.core.yaml.Diagnostic;
import dev.warden.core.yaml.Position;
import dev.warden.core.yaml.Severity;
import org.jspecify.annotations.Nullable;

/**
 * One lint finding about a policy.
 *
 * @param code a stable kebab-case name of the kind of finding, listed in {@code docs/policy.md}
 * @param rule the rule the finding is about
 * @param position where in the policy file the finding points
 * @param hint what to do about it, or null
 */
public record Finding(
    String code,
    Severity severity,
    String rule,
    Position position,
    String message,
    @Nullable String hint) {

  /** The finding as a positioned diagnostic of the policy file {@code source}. */
  public Diagnostic diagnostic(String source) {
    return new Diagnostic(
        source, position.line(), position.column(), severity, code, message, hint);
  }
}
