/**
 * Reconciling users: per-user ordered work, the decision for one user's state, and carrying it out
 * write-ahead.
 */
@NullMarked
package dev.warden.watcher.reconcile;

import org.jspecify.annotations.NullMarked;
