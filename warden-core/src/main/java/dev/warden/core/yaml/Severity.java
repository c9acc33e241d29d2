package dev.warden.core.yaml;

/** How serious a finding about an input file is. Errors reject the file; warnings do not. */
public enum Severity {
  ERROR,
  WARNING;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
