package dev.warden.broker.store;

import dev.warden.core.access.RequestId;
import java.security.SecureRandom;

/**
 * Makes request ids that cannot be guessed: {@code r-} and 20 base32 characters, 100 random bits.
 */
final class RequestIds {

  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final int LENGTH = 20;

  private final SecureRandom random = new SecureRandom();

  RequestId next() {
    byte[] bytes = new byte[LENGTH];
    random.nextBytes(bytes);

    char[] id = new char[LENGTH + 2];
    id[0] = 'r';
    id[1] = '-';
    for (int i = 0; i < LENGTH; i++) {
      // 256 is a multiple of 32, so taking five bits of each byte keeps every character equally
      // likely.
      id[i + 2] = ALPHABET[bytes[i] & 0x1f];
    }
    return RequestId.of(new String(id));
  }
}
