package dev.warden.cli;

import dev.warden.core.catalog.User;
import dev.warden.core.decision.Outcome;
import dev.warden.core.decision.RuleMatch;
import dev.warden.core.matrix.Access;
import dev.warden.core.matrix.Cell;
import dev.warden.core.matrix.PolicyMatrix;
import dev.warden.core.policy.Policy;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The output formats of {@code warden policy matrix}: Markdown, CSV, JSON and one HTML page. */
enum MatrixFormat {
  MD {
    @Override
    void write(PrintWriter out, Context context, PolicyMatrix matrix) {
      out.println("# Policy matrix: " + context.policy().name());
      out.println();
      out.println(context.description(matrix));
      out.println();
      out.println(
          "Rows: what the user holds, oldest first. Columns: the one role or resource asked for"
              + " next. A cell is the outcome and the held access it locks.");
      out.println();
      StringBuilder header = new StringBuilder("| holds \\ asks for |");
      StringBuilder rule = new StringBuilder("| --- |");
      for (Access item : matrix.items()) {
        header.append(' ').append(item.name()).append(" |");
        rule.append(" --- |");
      }
      out.println(header);
      out.println(rule);
      for (List<Cell> row : rows(matrix)) {
        StringBuilder line = new StringBuilder("| ").append(held(row.get(0))).append(" |");
        for (Cell cell : row) {
          line.append(' ').append(shortText(cell)).append(" |");
        }
        out.println(line);
      }
      out.println();
      out.println(verdict(matrix));
      for (Cell cell : matrix.violations()) {
        out.println("- " + held(cell) + " → " + cell.requested() + ": " + cell.violations());
      }
    }
  },

  CSV {
    @Override
    void write(PrintWriter out, Context context, PolicyMatrix matrix) {
      out.println("held,requested,outcome,locks,rules,violations");
      for (Cell cell : matrix.cells()) {
        out.println(
            String.join(
                ",",
                csv(cell.held().stream().map(Access::name).collect(Collectors.joining(" + "))),
                csv(cell.requested().name()),
                cell.decision().outcome().name(),
                csv(names(cell.locked())),
                csv(ruleNames(cell)),
                csv(String.join("; ", cell.violations()))));
      }
    }
  },

  JSON {
    @Override
    void write(PrintWriter out, Context context, PolicyMatrix matrix) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put(
          "policy", Map.of("name", context.policy().name(), "sha256", context.policy().sha256()));
      json.put("catalog", context.catalog());
      json.put("user", context.user().name().value());
      json.put("hold", matrix.hold());
      json.put("items", matrix.items().stream().map(MatrixFormat::item).toList());
      json.put("refusedHoldings", matrix.refusedHoldings());
      List<Object> cells = new ArrayList<>();
      for (Cell cell : matrix.cells()) {
        Map<String, Object> each = new LinkedHashMap<>();
        each.put("held", cell.held().stream().map(MatrixFormat::item).toList());
        each.put("requested", item(cell.requested()));
        each.put("outcome", cell.decision().outcome().name());
        each.put("locks", cell.locked().stream().map(MatrixFormat::item).toList());
        List<Object> rules = new ArrayList<>();
        for (RuleMatch match : cell.decision().matches()) {
          rules.add(Map.of("name", match.rule(), "reason", match.reason()));
        }
        each.put("rules", rules);
        each.put("violations", cell.violations());
        cells.add(each);
      }
      json.put("cells", cells);
      json.put("violations", matrix.violations().size());
      Output.printJson(out, json);
    }
  },

  HTML {
    @Override
    void write(PrintWriter out, Context context, PolicyMatrix matrix) {
      out.println("<!DOCTYPE html>");
      out.println("<html lang=\"en\"><head><meta charset=\"utf-8\">");
      out.println("<title>Policy matrix: " + html(context.policy().name()) + "</title>");
      out.println("<style>" + STYLE + "</style></head><body>");
      out.println("<h1>Policy matrix: " + html(context.policy().name()) + "</h1>");
      out.println("<p>" + html(context.description(matrix)) + "</p>");
      out.println(
          "<p class=\"legend\"><span class=\"approve\">approve</span>"
              + " <span class=\"locks\">approve, locking older access</span>"
              + " <span class=\"deny\">deny</span> <span class=\"escalate\">escalate to a"
              + " person</span> <span class=\"violation\">ends against a state rule</span>"
              + " Hover over a cell for the rules and their reasons.</p>");
      out.println("<table><thead><tr><th>holds \\ asks for</th>");
      for (Access item : matrix.items()) {
        out.println("<th>" + html(item.name()) + "</th>");
      }
      out.println("</tr></thead><tbody>");
      for (List<Cell> row : rows(matrix)) {
        out.println("<tr><th>" + html(held(row.get(0))) + "</th>");
        for (Cell cell : row) {
          out.println(
              "<td class=\""
                  + cssClass(cell)
                  + "\" title=\""
                  + html(cell.decision().explanation())
                  + "\">"
                  + html(shortText(cell))
                  + "</td>");
        }
        out.println("</tr>");
      }
      out.println("</tbody></table>");
      out.println("<p class=\"verdict\">" + html(verdict(matrix)) + "</p>");
      if (!matrix.violations().isEmpty()) {
        out.println("<ul>");
        for (Cell cell : matrix.violations()) {
          out.println(
              "<li>"
                  + html(held(cell) + " → " + cell.requested() + ": " + cell.violations())
                  + "</li>");
        }
        out.println("</ul>");
      }
      out.println("</body></html>");
    }
  };

  private static final String STYLE =
      "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}"
          + "table{border-collapse:collapse;font-size:12px}"
          + "th,td{border:1px solid #ccc;padding:3px 6px;white-space:nowrap}"
          + "thead th{position:sticky;top:0;background:#f4f4f4}"
          + "tbody th{text-align:left;background:#fafafa}"
          + ".approve{background:#d8f3dc}.locks{background:#ffe8a3}"
          + ".deny{background:#f8c9c4}.escalate{background:#cfe2ff}"
          + ".violation{background:#d00000;color:#fff;font-weight:bold}"
          + ".legend span{padding:2px 6px;margin-right:4px;border:1px solid #ccc}"
          + ".verdict{font-weight:bold}";

  /** What the renderers say about the inputs. */
  record Context(Policy policy, String catalog, User user) {

    String description(PolicyMatrix matrix) {
      String traits = user.traits().isEmpty() ? "no traits" : "traits " + user.traits().keySet();
      return "Policy "
          + policy.name()
          + " (sha256 "
          + policy.sha256().substring(0, 12)
          + "…), catalog "
          + catalog
          + ", holding up to "
          + PolicyCommand.plural(matrix.hold(), "grant")
          + ", as user "
          + user.name()
          + " ("
          + traits
          + "): "
          + PolicyCommand.plural(matrix.cells().size(), "cell")
          + "; "
          + PolicyCommand.plural(matrix.refusedHoldings(), "holding")
          + " left out because the policy would not let a user keep it.";
    }
  }

  abstract void write(PrintWriter out, Context context, PolicyMatrix matrix);

  static MatrixFormat named(String name) throws UserError {
    for (MatrixFormat format : values()) {
      if (format.name().equalsIgnoreCase(name)) {
        return format;
      }
    }
    throw new UserError("-o must be md, csv, json or html, not '" + name + "'");
  }

  /** The sentence that says whether any cell breaks a state rule. */
  static String verdict(PolicyMatrix matrix) {
    int bad = matrix.violations().size();
    if (bad == 0) {
      return "No cell of "
          + matrix.cells().size()
          + " ends with the user holding exclusive environments together or more than a limit.";
    }
    return PolicyCommand.plural(bad, "cell")
        + " of "
        + matrix.cells().size()
        + " end with the user holding exclusive environments together or more than a limit.";
  }

  private static List<List<Cell>> rows(PolicyMatrix matrix) {
    List<List<Cell>> rows = new ArrayList<>();
    int width = matrix.items().size();
    for (int i = 0; i < matrix.cells().size(); i += width) {
      rows.add(matrix.cells().subList(i, i + width));
    }
    return rows;
  }

  private static String held(Cell cell) {
    return cell.held().isEmpty() ? "nothing" : names(cell.held()).replace(";", " +");
  }

  private static String shortText(Cell cell) {
    String text = cell.decision().outcome().name();
    if (!cell.locked().isEmpty()) {
      text += ", locks " + names(cell.locked()).replace(";", ",");
    }
    return cell.violations().isEmpty() ? text : text + " (VIOLATION)";
  }

  private static String cssClass(Cell cell) {
    if (!cell.violations().isEmpty()) {
      return "violation";
    }
    Outcome outcome = cell.decision().outcome();
    return switch (outcome) {
      case APPROVE -> cell.locked().isEmpty() ? "approve" : "locks";
      case DENY -> "deny";
      case ESCALATE, NONE -> "escalate";
    };
  }

  private static String names(List<Access> items) {
    return items.stream().map(Access::name).collect(Collectors.joining(";"));
  }

  private static String ruleNames(Cell cell) {
    return cell.decision().matches().stream()
        .map(RuleMatch::rule)
        .distinct()
        .collect(Collectors.joining(";"));
  }

  private static Map<String, Object> item(Access access) {
    return Map.of("kind", access.kind(), "name", access.name());
  }

  private static String csv(String value) {
    if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
      return "\"" + value.replace("\"", "\"\"") + "\"";
    }
    return value;
  }

  private static String html(String value) {
    return value
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
