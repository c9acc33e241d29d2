package dev.warden.core.decision;

/**
 * A rule that could not be evaluated on this input. Not a decision: a configuration problem, and
 * the reason the request was left to a person.
 */
public record RuleError(String rule, String message) {}
