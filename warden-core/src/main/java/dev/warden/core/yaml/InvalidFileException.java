package dev.warden.core.yaml;

import java.util.List;
import java.util.stream.Collectors;

/** A file was rejected; carries every error found, so a user can fix them all in one pass. */
public final class InvalidFileException extends Exception {

  private final List<Diagnostic> diagnostics;

  public InvalidFileException(List<Diagnostic> diagnostics) {
    super(diagnostics.stream().map(Diagnostic::format).collect(Collectors.joining("\n")));
    if (diagnostics.isEmpty()) {
      throw new IllegalArgumentException("an invalid file needs at least one diagnostic");
    }
    this.diagnostics = List.copyOf(diagnostics);
  }

  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }
}
