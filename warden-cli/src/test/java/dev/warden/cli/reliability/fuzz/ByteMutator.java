package dev.warden.cli.reliability.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Mutations that know nothing of the input's format: flipped bits, dropped, repeated and inserted
 * spans, truncation, and byte sequences that are not UTF-8 or that decoders often get wrong. Every
 * target stacks these over its format-aware mutations, so that the parsers below the format see
 * broken bytes too.
 */
final class ByteMutator {

  /**
   * Bytes that are not valid UTF-8 (a lone continuation byte, an overlong NUL, an encoded
   * surrogate, a code point past U+10FFFF, a truncated sequence), and valid ones that readers
   * mishandle: NUL, a byte order mark, CR, the line and paragraph separators, a replacement
   * character.
   */
  static final List<byte[]> AWKWARD_BYTES =
      List.of(
          new byte[] {(byte) 0x80},
          new byte[] {(byte) 0xC0, (byte) 0x80},
          new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
          new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
          new byte[] {(byte) 0xE2, (byte) 0x82},
          new byte[] {(byte) 0xFF, (byte) 0xFE},
          new byte[] {0},
          new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
          new byte[] {'\r'},
          "\u2028\u2029".getBytes(StandardCharsets.UTF_8),
          "\uFFFD".getBytes(StandardCharsets.UTF_8));

  private static final Arbitrary<byte[]> RANDOM_BYTES =
      Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(32);

  /** Any string jqwik can make: control characters, unpaired surrogates and all. */
  static final Arbitrary<String> ANY_TEXT = Arbitraries.strings().all().ofMaxLength(40);

  private ByteMutator() {}

  /** One random mutation of {@code input}; the input itself is left alone. */
  static byte[] mutate(FuzzRun run, byte[] input) {
    int length = input.length;
    int at = length == 0 ? 0 : run.random().nextInt(length + 1);
    int span = length == 0 ? 0 : 1 + run.random().nextInt(Math.max(1, Math.min(64, length - at)));
    return switch (run.random().nextInt(8)) {
      case 0 -> flipBit(run, input);
      case 1 -> splice(input, at, Math.min(span, length - at), new byte[0]);
      case 2 -> splice(input, at, 0, Arrays.copyOfRange(input, at, Math.min(length, at + span)));
      case 3 -> splice(input, at, 0, run.draw(RANDOM_BYTES));
      case 4 -> Arrays.copyOf(input, at);
      case 5 -> splice(input, at, 0, run.pick(AWKWARD_BYTES));
      case 6 -> splice(input, at, 0, run.draw(ANY_TEXT).getBytes(StandardCharsets.UTF_8));
      default -> splice(input, at, Math.min(1, length - at), run.pick(AWKWARD_BYTES));
    };
  }

  /** {@code input} with {@code removed} bytes at {@code at} replaced by {@code inserted}. */
  static byte[] splice(byte[] input, int at, int removed, byte[] inserted) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(input.length + inserted.length);
    out.write(input, 0, at);
    out.write(inserted, 0, inserted.length);
    out.write(input, at + removed, input.length - at - removed);
    return out.toByteArray();
  }

  private static byte[] flipBit(FuzzRun run, byte[] input) {
    if (input.length == 0) {
      return new byte[] {(byte) run.random().nextInt(256)};
    }
    byte[] copy = input.clone();
    int at = run.random().nextInt(copy.length);
    copy[at] ^= (byte) (1 << run.random().nextInt(8));
    return copy;
  }
}
