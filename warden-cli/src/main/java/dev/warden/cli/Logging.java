package dev.warden.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Operational logging for long-running commands: one line per event on standard error, as plain
 * text for a terminal or JSON for a log collector. This is not the audit trail; decisions are
 * recorded in the decision log.
 */
final class Logging {

  /** How log lines are written. */
  enum Format {
    TEXT,
    JSON
  }

  private Logging() {}

  static void configure(Format format, Level level) {
    Logger root = Logger.getLogger("");
    for (Handler handler : root.getHandlers()) {
      root.removeHandler(handler);
    }
    Handler handler = new StandardError();
    handler.setFormatter(format == Format.JSON ? new JsonLines() : new Text());
    handler.setLevel(level);
    root.addHandler(handler);
    root.setLevel(level);
    // Libraries log at their own whim; only warnings from them reach the operator.
    Logger.getLogger("com.zaxxer").setLevel(Level.WARNING);
    Logger.getLogger("org.flywaydb").setLevel(Level.WARNING);
    Logger.getLogger("jdk").setLevel(Level.WARNING);
    Logger.getLogger("sun").setLevel(Level.WARNING);
  }

  private static String levelName(Level level) {
    if (level.intValue() >= Level.SEVERE.intValue()) {
      return "ERROR";
    }
    if (level.intValue() >= Level.WARNING.intValue()) {
      return "WARN";
    }
    if (level.intValue() >= Level.INFO.intValue()) {
      return "INFO";
    }
    return "DEBUG";
  }

  /** The level name padded to the width of the longest, so that messages line up. */
  private static String padded(String level) {
    return level.length() >= 5 ? level : level + " ".repeat(5 - level.length());
  }

  /**
   * The record's message with each <code>{N}</code> (or <code>{N,anything}</code>) replaced by its
   * parameter as {@code String.valueOf} writes it.
   *
   * <p>Not {@link Formatter#formatMessage}: its {@code MessageFormat} parses the pattern again for
   * every line, which the watcher pays once per decision, groups digits by locale ({@code
   * resourceVersion=4,908} reads as two fields to a log parser), and swallows single quotes, so
   * that "can't" printed as "cant".
   */
  static String message(LogRecord record) {
    String pattern = record.getMessage();
    Object[] parameters = record.getParameters();
    if (pattern == null) {
      return "";
    }
    if (parameters == null || parameters.length == 0) {
      return pattern;
    }
    StringBuilder out = new StringBuilder(pattern.length() + 16 * parameters.length);
    int i = 0;
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      int end = c == '{' ? pattern.indexOf('}', i) : -1;
      int index = end > i ? parameterIndex(pattern, i + 1, end) : -1;
      if (index >= 0 && index < parameters.length) {
        out.append(parameters[index]);
        i = end + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** The number that {@code pattern[from, end)} starts with, up to a comma, or -1 if none. */
  private static int parameterIndex(String pattern, int from, int end) {
    int value = 0;
    int i = from;
    for (; i < end && i - from < 3; i++) {
      char c = pattern.charAt(i);
      if (c == ',') {
        break;
      }
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    boolean closed = i == end || pattern.charAt(i) == ',';
    return i > from && closed ? value : -1;
  }

  private static String component(LogRecord record) {
    String name = record.getLoggerName() == null ? "" : record.getLoggerName();
    int dot = name.lastIndexOf('.');
    return (dot >= 0 ? name.substring(dot + 1) : name).toLowerCase(Locale.ROOT);
  }

  /**
   * Writes each record to standard error as one write. Not a {@code ConsoleHandler}: replacing that
   * one's stream closes {@code System.err} for the whole process.
   */
  private static final class StandardError extends Handler {
    @Override
    public void publish(LogRecord record) {
      if (isLoggable(record)) {
        PrintStream err = System.err;
        err.print(getFormatter().format(record));
        err.flush();
      }
    }

    @Override
    public void flush() {
      System.err.flush();
    }

    @Override
    public void close() {
      flush();
    }
  }

  private static final class Text extends Formatter {
    @Override
    public String format(LogRecord record) {
      StringBuilder line = new StringBuilder(160);
      line.append(Instant.ofEpochMilli(record.getMillis()))
          .append(' ')
          .append(padded(levelName(record.getLevel())))
          .append(' ')
          .append(component(record))
          .append(": ")
          .append(message(record))
          .append('\n');
      if (record.getThrown() != null) {
        line.append("  cause: ").append(record.getThrown()).append('\n');
      }
      return line.toString();
    }
  }

  private static final class JsonLines extends Formatter {
    @Override
    public String format(LogRecord record) {
      StringBuilder line = new StringBuilder(200);
      line.append("{\"time\":\"")
          .append(Instant.ofEpochMilli(record.getMillis()))
          .append("\",\"level\":\"")
          .append(levelName(record.getLevel()))
          .append("\",\"component\":");
      quote(line, component(record));
      line.append(",\"message\":");
      quote(line, message(record));
      if (record.getThrown() != null) {
        line.append(",\"error\":");
        quote(line, record.getThrown().toString());
      }
      return line.append("}\n").toString();
    }

    private static void quote(StringBuilder out, String text) {
      out.append('"');
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> {
            if (c < 0x20) {
              out.append(String.format("\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      out.append('"');
    }
  }
}
