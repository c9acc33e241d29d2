package dev.warden.core.cases;

import dev.warden.core.catalog.Catalog;
import dev.warden.core.yaml.InvalidFileException;

/** Reads the catalog file a case file names. The caller does the I/O, so the loader stays pure. */
@FunctionalInterface
public interface CatalogReader {

  /**
   * Reads the catalog at {@code path}, as written in the case file (relative to it).
   *
   * @throws InvalidFileException when the catalog file has errors of its own
   * @throws UnreadableException when it cannot be read at all; the message says why
   */
  Catalog read(String path) throws InvalidFileException, UnreadableException;

  /** The catalog file cannot be read; the message names it and says why. */
  final class UnreadableException extends Exception {
    public UnreadableException(String message) {
      super(message);
    }
  }
}
