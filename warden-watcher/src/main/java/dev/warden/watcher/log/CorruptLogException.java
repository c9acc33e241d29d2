package dev.warden.watcher.log;

import java.nio.file.Path;

/**
 * A complete line of the decision log is not a valid record. Unlike a torn last line, this is not
 * repaired: it is evidence, and {@code warden audit verify} is the tool to look at it.
 */
public final class CorruptLogException extends Exception {

  public CorruptLogException(Path file, int line, String problem) {
    super(file + ":" + line + ": " + problem + "; the decision log is damaged, refusing to append");
  }
}
