package dev.warden.watcher.log;

import org.jspecify.annotations.Nullable;

/**
 * An intent record with no outcome record after it: the process stopped between recording a
 * decision and recording how its actions went. Its user must be re-evaluated, never replayed.
 */
public record OpenIntent(long seq, String decisionId, String user, @Nullable String request) {}
