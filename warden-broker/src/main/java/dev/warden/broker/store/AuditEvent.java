package dev.warden.broker.store;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One entry of the audit trail: a state change, who made it, why, and under which decision.
 *
 * <p>Audit entries share their numbering with the watch history (each change has one version), but
 * unlike the history's snapshots they are never compacted away.
 *
 * @param version the store version of the change
 * @param kind {@code request} or {@code lock}
 * @param objectId the id of the request or lock
 * @param reason the reason the actor gave: the request's reason on creation, the review's reason,
 *     the lock's message, or the broker's explanation for an expiry; null when none was given
 * @param decisionId the reviewer's decision id, or null
 */
public record AuditEvent(
    long version,
    Instant time,
    AuditAction action,
    String kind,
    String objectId,
    Actor actor,
    @Nullable String reason,
    @Nullable String decisionId) {}
