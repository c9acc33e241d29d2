package dev.warden.core.replay;

import dev.warden.core.access.AccessRequest;
import java.time.Instant;

/** One request whose decision differs between the baseline and the candidate. */
public record ChangedCase(AccessRequest request, Instant at, Verdict baseline, Verdict candidate) {}
