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
          .append(String.format("%-5s", levelName(record.getLevel())))
          .append(' ')
          .append(component(record))
          .append(": ")
          .append(formatMessage(record))
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
      quote(line, formatMessage(record));
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
