package dev.warden.broker.store;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jspecify.annotations.Nullable;

/** The store's time precision: instants are kept as microseconds since the epoch. */
final class Micros {

  private Micros() {}

  static Instant truncate(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS);
  }

  static @Nullable Instant truncateNullable(@Nullable Instant instant) {
    return instant == null ? null : truncate(instant);
  }

  static Duration truncate(Duration duration) {
    return duration.truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * Microseconds since the epoch.
   *
   * @throws IllegalArgumentException when the instant lies beyond what 64 bits of microseconds hold
   *     (about 292,000 years either side of 1970)
   */
  static long of(Instant instant) {
    try {
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000L);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "time " + instant + " is outside the range the store can keep", e);
    }
  }

  static @Nullable Long ofNullable(@Nullable Instant instant) {
    return instant == null ? null : of(instant);
  }

  static Instant toInstant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }
}
