package dev.warden.core.yaml;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Collects the diagnostics of one file while it is read. Not thread-safe. */
public final class Problems {

  private final String source;
  private final List<Diagnostic> diagnostics = new ArrayList<>();

  public Problems(String source) {
    this.source = source;
  }

  public String source() {
    return source;
  }

  public void error(Position at, String code, String message, @Nullable String hint) {
    add(at, Severity.ERROR, code, message, hint);
  }

  public void error(Position at, String code, String message) {
    add(at, Severity.ERROR, code, message, null);
  }

  public void warning(Position at, String code, String message, @Nullable String hint) {
    add(at, Severity.WARNING, code, message, hint);
  }

  private void add(
      Position at, Severity severity, String code, String message, @Nullable String hint) {
    diagnostics.add(new Diagnostic(source, at.line(), at.column(), severity, code, message, hint));
  }

  public boolean hasErrors() {
    return diagnostics.stream().anyMatch(d -> d.severity() == Severity.ERROR);
  }

  public List<Diagnostic> all() {
    return List.copyOf(diagnostics);
  }

  /** Throws when any error was recorded; warnings alone pass. */
  public void throwIfErrors() throws InvalidFileException {
    if (hasErrors()) {
      throw new InvalidFileException(
          diagnostics.stream()
              .sorted(
                  java.util.Comparator.comparingInt(Diagnostic::line)
                      .thenComparingInt(Diagnostic::column))
              .toList());
    }
  }
}
