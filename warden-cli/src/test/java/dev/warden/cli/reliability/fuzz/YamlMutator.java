package dev.warden.cli.reliability.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Mutations of valid YAML files that stay close enough to the format to reach the loaders' checks
 * rather than stop at the parser: lines dropped, repeated, swapped and re-indented, values and keys
 * replaced by ones of the wrong type or out of range, YAML features Warden refuses (anchors,
 * aliases, tags, several documents, complex keys), deep nesting, huge strings, and pieces of other
 * valid files spliced in. A few byte-level mutations on top reach the decoder too.
 */
final class YamlMutator {

  /** Values a field should not hold: wrong types, edge numbers and durations, YAML features. */
  private static final List<String> VALUES =
      List.of(
          "~",
          "null",
          "\"\"",
          "''",
          "[]",
          "{}",
          "[a, b]",
          "{a: b}",
          "-1",
          "0",
          "-0",
          "2147483648",
          "9223372036854775808",
          "99999999999999999999999999",
          "1e309",
          "0.5",
          ".nan",
          "-.inf",
          "true",
          "yes",
          "0x7fffffff",
          "0o777",
          "PT0S",
          "PT-1H",
          "P1000000000D",
          "PT9999999999999999999H",
          "P1Y",
          "2026-12-03T10:00:00Z",
          "!!binary aGVsbG8=",
          "!!int 3",
          "!!float x",
          "!!set {a}",
          "!!omap [a: 1]",
          "!!timestamp 2001-12-14",
          "!java.lang.Object {}",
          "!custom x",
          "*nothing",
          "&anchor x",
          "\"\\u0000\"",
          "\"\\ud800\"",
          "\"a\\nb\"",
          "'unterminated",
          "\"unterminated",
          "[unclosed",
          "{unclosed",
          "@reserved",
          "`backtick",
          "|\n    block\n    text",
          ">-\n    folded",
          "- nested\n  - list",
          "a: b: c",
          "? [complex]\n  : key",
          "{? a}");

  /** Conditions of custom rules: valid and broken CEL, and ones that fail when evaluated. */
  private static final List<String> CONDITIONS =
      List.of(
          "true",
          "1/0 == 0",
          "\"a\" + 1 == \"a1\"",
          "request.nope",
          "size(request.resources) > 3",
          "has(user.traits.team)",
          "user.traits.team[7] == 'x'",
          "request.ttl > duration('PT1H')",
          "timestamp('not a time') > now",
          "'x'.matches('(((')",
          "[1, 2, 3].map(x, x * x).size() > 0",
          "request.environments.exists(e, e == 'production') &&",
          "\"production\" in request.environments && !(\"oncall\" in user.traits)",
          "int('9223372036854775807') + 1 > 0");

  private static final Arbitrary<String> HUGE_TEXT =
      Arbitraries.strings().alpha().ofMinLength(1000).ofMaxLength(40_000);

  private static final Arbitrary<Long> NUMBERS = Arbitraries.longs();

  private static final Pattern VALUE = Pattern.compile("^(\\s*(?:- )?[A-Za-z][\\w-]*:)( .*)$");
  private static final Pattern KEY = Pattern.compile("^(\\s*(?:- )?)([A-Za-z][\\w-]*)(:.*)$");
  private static final Pattern NUMBER = Pattern.compile("-?\\d+");

  private YamlMutator() {}

  /** One to four mutations of {@code text}; {@code others} are files to splice pieces from. */
  static byte[] mutate(FuzzRun run, String text, List<String> others) {
    String mutated = text;
    int rounds = 1 + run.random().nextInt(4);
    for (int i = 0; i < rounds; i++) {
      mutated = once(run, mutated, others);
    }
    byte[] bytes = mutated.getBytes(StandardCharsets.UTF_8);
    if (run.chance(0.15)) {
      bytes = ByteMutator.mutate(run, bytes);
    }
    return bytes;
  }

  private static String once(FuzzRun run, String text, List<String> others) {
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    int at = run.random().nextInt(lines.size());
    switch (run.random().nextInt(12)) {
      case 0 -> lines.remove(at);
      case 1 -> lines.add(at, lines.get(at));
      case 2 -> swap(run, lines, at);
      case 3 -> lines.set(at, reindent(run, lines.get(at)));
      case 4, 5 -> lines.set(at, replaceValue(run, lines.get(at)));
      case 6 -> lines.set(at, replaceKey(run, lines.get(at), text));
      case 7 -> lines.set(at, insert(run, lines.get(at)));
      case 8 -> {
        return text.substring(0, run.random().nextInt(text.length() + 1));
      }
      case 9 -> lines.set(at, nest(run, lines.get(at)));
      case 10 -> copyBlock(run, lines, at, others.isEmpty() ? text : run.pick(others));
      default -> lines.set(at, replaceNumber(run, lines.get(at)));
    }
    return String.join("\n", lines);
  }

  private static void swap(FuzzRun run, List<String> lines, int at) {
    int other = run.random().nextInt(lines.size());
    String line = lines.get(at);
    lines.set(at, lines.get(other));
    lines.set(other, line);
  }

  private static String reindent(FuzzRun run, String line) {
    return switch (run.random().nextInt(4)) {
      case 0 -> " ".repeat(1 + run.random().nextInt(4)) + line;
      case 1 -> line.stripLeading();
      case 2 -> "\t" + line;
      default -> line.length() > 1 && line.charAt(0) == ' ' ? line.substring(1) : line;
    };
  }

  private static String replaceValue(FuzzRun run, String line) {
    Matcher matcher = VALUE.matcher(line);
    if (!matcher.matches()) {
      return line;
    }
    String value =
        switch (run.random().nextInt(6)) {
          case 0 -> run.draw(HUGE_TEXT);
          case 1 -> quoted(run.draw(ByteMutator.ANY_TEXT));
          case 2 -> String.valueOf(run.draw(NUMBERS));
          case 3 -> quoted(run.pick(CONDITIONS));
          default -> run.pick(VALUES);
        };
    return matcher.group(1) + " " + value;
  }

  /** A double-quoted YAML string of {@code text}, escaped so that it stays one scalar. */
  private static String quoted(String text) {
    StringBuilder out = new StringBuilder("\"");
    text.chars()
        .forEach(
            c -> {
              if (c == '"' || c == '\\') {
                out.append('\\').append((char) c);
              } else if (c < 0x20) {
                out.append(String.format("\\x%02x", c));
              } else {
                out.append((char) c);
              }
            });
    return out.append('"').toString();
  }

  private static String replaceKey(FuzzRun run, String line, String text) {
    Matcher matcher = KEY.matcher(line);
    if (!matcher.matches()) {
      return line;
    }
    List<String> keys = new ArrayList<>();
    Matcher all = Pattern.compile("(?m)^\\s*(?:- )?([A-Za-z][\\w-]*):").matcher(text);
    while (all.find()) {
      keys.add(all.group(1));
    }
    String key =
        switch (run.random().nextInt(4)) {
          case 0 -> matcher.group(2) + "s";
          case 1 -> matcher.group(2).toUpperCase(java.util.Locale.ROOT);
          case 2 -> "x-" + matcher.group(2);
          default -> keys.isEmpty() ? "unknown" : run.pick(keys);
        };
    return matcher.group(1) + key + matcher.group(3);
  }

  private static String insert(FuzzRun run, String line) {
    int at = run.random().nextInt(line.length() + 1);
    String piece =
        run.chance(0.5)
            ? run.draw(ByteMutator.ANY_TEXT)
            : run.pick(
                List.of(
                    "#",
                    ":",
                    "- ",
                    "---\n",
                    "...\n",
                    "%YAML 1.1\n",
                    "&a ",
                    "*a",
                    "!!str ",
                    "? ",
                    "{",
                    "[",
                    "'",
                    "\""));
    return line.substring(0, at) + piece + line.substring(at);
  }

  /** The line's value wrapped in many levels of flow or block collections. */
  private static String nest(FuzzRun run, String line) {
    int depth = run.pick(List.of(10, 60, 200, 1000, 5000, 20_000, 100_000));
    Matcher matcher = VALUE.matcher(line);
    String head = matcher.matches() ? matcher.group(1) + " " : line + "\n";
    return switch (run.random().nextInt(3)) {
      case 0 -> head + "[".repeat(depth) + "x" + "]".repeat(depth);
      case 1 -> head + "{a: ".repeat(depth) + "x" + "}".repeat(depth);
      default -> {
        StringBuilder block = new StringBuilder(head);
        for (int i = 0; i < Math.min(depth, 2000); i++) {
          block.append('\n').append(" ".repeat(2 + i)).append("- ");
        }
        yield block.append('x').toString();
      }
    };
  }

  private static void copyBlock(FuzzRun run, List<String> lines, int at, String from) {
    String[] source = from.split("\n", -1);
    int start = run.random().nextInt(source.length);
    int end = Math.min(source.length, start + 1 + run.random().nextInt(8));
    lines.addAll(at, List.of(source).subList(start, end));
  }

  private static String replaceNumber(FuzzRun run, String line) {
    Matcher matcher = NUMBER.matcher(line);
    if (!matcher.find()) {
      return line;
    }
    return line.substring(0, matcher.start()) + run.draw(NUMBERS) + line.substring(matcher.end());
  }
}
