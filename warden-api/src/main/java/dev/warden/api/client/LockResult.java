package dev.warden.api.client;

import dev.warden.api.v1.LockObject;

/**
 * The outcome of creating a lock.
 *
 * @param created true when the broker made a new lock (201), false when one with the same id and
 *     content already existed (200)
 */
public record LockResult(LockObject lock, boolean created) {}
