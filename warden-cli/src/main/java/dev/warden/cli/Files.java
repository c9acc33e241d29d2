package dev.warden.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading input files with errors a person understands. */
final class Files {

  /** The largest input file the CLI reads. */
  static final long MAX_BYTES = 16L << 20;

  private Files() {}

  /**
   * Reads a UTF-8 text file.
   *
   * @throws UserError naming the file and what is wrong with it
   */
  static String readText(Path path) throws UserError {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(readBytes(path)))
          .toString();
    } catch (CharacterCodingException e) {
      throw new UserError(path + ": is not UTF-8 text");
    }
  }

  /**
   * Reads a file's bytes, for loaders that decode them themselves and say where they are not UTF-8.
   *
   * @throws UserError naming the file and what is wrong with it
   */
  static byte[] readBytes(Path path) throws UserError {
    try {
      if (java.nio.file.Files.isDirectory(path)) {
        throw new UserError(path + ": is a directory, not a file");
      }
      long size = java.nio.file.Files.size(path);
      if (size > MAX_BYTES) {
        throw new UserError(path + ": is " + size + " bytes; the limit is " + MAX_BYTES);
      }
      return java.nio.file.Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new UserError(path + ": no such file");
    } catch (IOException e) {
      throw new UserError(path + ": cannot be read: " + e.getMessage());
    }
  }
}
