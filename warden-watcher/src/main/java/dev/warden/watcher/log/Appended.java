package dev.warden.watcher.log;

import java.time.Instant;

/** A record the log made durable: its sequence number, time and hash. */
public record Appended(long seq, Instant time, String hash) {}
