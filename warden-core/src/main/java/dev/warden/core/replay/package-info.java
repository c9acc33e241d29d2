/**
 * Replay: past requests run again, in time order and with simulated time, through a candidate
 * policy and a baseline, with no side effects, and the decisions that would change.
 */
@NullMarked
package dev.warden.core.replay;

import org.jspecify.annotations.NullMarked;
