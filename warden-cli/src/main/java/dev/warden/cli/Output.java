package dev.warden.cli;

import dev.warden.api.json.Json;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Option;

/** {@code -o table|json}: tables for people, JSON for scripts. */
final class Output {

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table (default) or json.")
  String format = "table";

  boolean json() throws UserError {
    return switch (format) {
      case "table" -> false;
      case "json" -> true;
      default -> throw new UserError("-o must be table or json, not '" + format + "'");
    };
  }

  static void printJson(PrintWriter out, Object value) {
    out.println(new String(Json.write(value), StandardCharsets.UTF_8));
    out.flush();
  }
}
