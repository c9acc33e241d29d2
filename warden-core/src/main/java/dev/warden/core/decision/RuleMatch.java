package dev.warden.core.decision;

/**
 * A rule that matched, with the sentence that explains it to a person.
 *
 * @param reason names the counts, limits, environments and roles involved
 */
public record RuleMatch(String rule, String reason) {}
