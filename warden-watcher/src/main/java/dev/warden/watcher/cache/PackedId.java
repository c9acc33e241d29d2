package dev.warden.watcher.cache;

import dev.warden.core.access.RequestId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A request id in the fewest bytes: an id in the broker's own format, {@code r-} and 20 base32
 * characters, as the 100 bits those characters carry in two {@code long}s; any other id as its
 * ASCII bytes (ids are safe identifiers, ASCII only).
 *
 * <p>A million cached requests make the difference worth a class: the bytes of a broker id cost 40
 * with their array's header, the two numbers 16 and no object of their own, since {@link
 * CachedRequest} keeps them in its own fields. This record only carries an id to compare.
 *
 * <p>Not a record: its equality would compare the array by reference.
 */
final class PackedId {

  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
  private static final int HALF = 10;

  /** The ASCII bytes of an id not in the broker's format, or null for one that is. */
  final byte @Nullable [] text;

  final long high;
  final long low;

  private PackedId(byte @Nullable [] text, long high, long low) {
    this.text = text;
    this.high = high;
    this.low = low;
  }

  static PackedId of(RequestId id) {
    String value = id.value();
    if (value.length() == 2 + 2 * HALF && value.startsWith("r-")) {
      long high = pack(value, 2);
      long low = pack(value, 2 + HALF);
      if (high >= 0 && low >= 0) {
        return new PackedId(null, high, low);
      }
    }
    return new PackedId(value.getBytes(StandardCharsets.US_ASCII), 0, 0);
  }

  /** Whether this is the id a request holds as {@code text}, {@code high} and {@code low}. */
  boolean matches(byte @Nullable [] otherText, long otherHigh, long otherLow) {
    return high == otherHigh && low == otherLow && Arrays.equals(text, otherText);
  }

  int hash() {
    return hash(text, high, low);
  }

  static int hash(byte @Nullable [] text, long high, long low) {
    long h = text == null ? high * 0x9E3779B97F4A7C15L + low : Arrays.hashCode(text);
    h *= 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  static RequestId toRequestId(byte @Nullable [] text, long high, long low) {
    if (text != null) {
      return RequestId.of(new String(text, StandardCharsets.US_ASCII));
    }
    char[] id = new char[2 + 2 * HALF];
    id[0] = 'r';
    id[1] = '-';
    unpack(high, id, 2);
    unpack(low, id, 2 + HALF);
    return RequestId.of(new String(id));
  }

  /** Ten base32 characters as 50 bits, or -1 when one is not of the alphabet. */
  private static long pack(String value, int from) {
    long bits = 0;
    for (int i = from; i < from + HALF; i++) {
      int digit = ALPHABET.indexOf(value.charAt(i));
      if (digit < 0) {
        return -1;
      }
      bits = (bits << 5) | digit;
    }
    return bits;
  }

  private static void unpack(long bits, char[] into, int from) {
    for (int i = from + HALF - 1; i >= from; i--) {
      into[i] = ALPHABET.charAt((int) (bits & 0x1f));
      bits >>>= 5;
    }
  }
}
