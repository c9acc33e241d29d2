package dev.warden.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the real command line in this JVM and keeps what it printed. */
final class Cli {

  /** What one run printed and its exit code. */
  record Run(int exit, String out, String err) {}

  private Cli() {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Warden.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(exit, out.toString(), err.toString());
  }
}
