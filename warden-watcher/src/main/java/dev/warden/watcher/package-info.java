/**
 * The watcher: a long-lived service that keeps every user's access within policy, in real time.
 * {@link dev.warden.watcher.Watcher} wires the pieces and owns their life cycle.
 */
@NullMarked
package dev.warden.watcher;

import org.jspecify.annotations.NullMarked;
