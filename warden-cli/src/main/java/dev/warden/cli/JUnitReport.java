package dev.warden.cli;

import dev.warden.core.cases.CaseResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Writes policy test results as JUnit XML, the format CI systems read. */
final class JUnitReport {

  /** The results of one case file, or why it could not be run. */
  record FileResult(String source, List<CaseResult> results, String error) {
    static FileResult ran(String source, List<CaseResult> results) {
      return new FileResult(source, results, "");
    }

    static FileResult invalid(String source, String error) {
      return new FileResult(source, List.of(), error);
    }
  }

  private JUnitReport() {}

  static void write(Path file, List<FileResult> files) throws UserError {
    int tests = 0;
    int failures = 0;
    int errors = 0;
    for (FileResult each : files) {
      tests += each.error().isEmpty() ? each.results().size() : 1;
      failures += (int) each.results().stream().filter(r -> !r.passed()).count();
      errors += each.error().isEmpty() ? 0 : 1;
    }
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.append("<testsuites name=\"warden policy test\"")
        .append(counts(tests, failures, errors))
        .append(">\n");
    for (FileResult each : files) {
      suite(xml, each);
    }
    xml.append("</testsuites>\n");
    try {
      java.nio.file.Files.writeString(file, xml.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError(file + ": cannot write the JUnit report: " + e.getMessage());
    }
  }

  private static void suite(StringBuilder xml, FileResult file) {
    String name = attribute(file.source());
    if (!file.error().isEmpty()) {
      xml.append("  <testsuite name=\"").append(name).append('"').append(counts(1, 0, 1));
      xml.append(">\n    <testcase classname=\"").append(name).append("\" name=\"(file)\">\n");
      xml.append("      <error message=\"the file does not load\">")
          .append(text(file.error()))
          .append("</error>\n    </testcase>\n  </testsuite>\n");
      return;
    }
    int failures = (int) file.results().stream().filter(r -> !r.passed()).count();
    xml.append("  <testsuite name=\"")
        .append(name)
        .append('"')
        .append(counts(file.results().size(), failures, 0))
        .append(">\n");
    for (CaseResult result : file.results()) {
      xml.append("    <testcase classname=\"")
          .append(name)
          .append("\" name=\"")
          .append(attribute(result.testCase().name()))
          .append('"');
      if (result.passed()) {
        xml.append("/>\n");
        continue;
      }
      xml.append(">\n      <failure message=\"")
          .append(attribute(String.join("; ", result.mismatches())))
          .append("\">")
          .append(text(result.comparison() + "\n" + result.decision().explanation()))
          .append("</failure>\n    </testcase>\n");
    }
    xml.append("  </testsuite>\n");
  }

  private static String counts(int tests, int failures, int errors) {
    return " tests=\""
        + tests
        + "\" failures=\""
        + failures
        + "\" errors=\""
        + errors
        + "\" skipped=\"0\"";
  }

  private static String attribute(String value) {
    return text(value).replace("\"", "&quot;").replace("\n", "&#10;");
  }

  private static String text(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        default -> {
          // XML 1.0 cannot carry most control characters, not even escaped.
          if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
            out.append('?');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
