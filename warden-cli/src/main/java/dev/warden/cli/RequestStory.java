package dev.warden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.api.v1.AuditEvent;
import dev.warden.core.access.RequestId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The story of one request as a decision log tells it: what was asked and by whom, and every
 * decision record that touches it (it was decided, it was held or locked before or after, or an
 * action targets it), in log order, which is time order.
 */
final class RequestStory {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final RequestId id;
  private final Path log;
  private final List<JsonNode> records = new ArrayList<>();
  private final List<Long> lines = new ArrayList<>();
  private final Set<String> lockIds = new LinkedHashSet<>();
  private @Nullable JsonNode asked;
  private @Nullable String user;
  private long unreadable;

  private RequestStory(RequestId id, Path log) {
    this.id = id;
    this.log = log;
  }

  /**
   * Reads the records about {@code id} from the log, as a stream.
   *
   * @throws UserError when the log cannot be read
   */
  static RequestStory read(Path log, RequestId id) throws UserError {
    RequestStory story = new RequestStory(id, log);
    try (BufferedReader reader =
        java.nio.file.Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
      String line;
      long number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        story.consider(line, number);
      }
    } catch (NoSuchFileException e) {
      throw new UserError(log + ": no such file");
    } catch (IOException e) {
      throw new UserError(log + ": cannot be read: " + e.getMessage());
    }
    return story;
  }

  boolean isEmpty() {
    return records.isEmpty();
  }

  /** Whether a broker audit event is about this request or a lock placed on it. */
  boolean concerns(String kind, String objectId) {
    return switch (kind) {
      case "request" -> objectId.equals(id.value());
      case "lock" -> lockIds.contains(objectId) || objectId.endsWith("-" + id.value());
      default -> false;
    };
  }

  private void consider(String line, long number) {
    JsonNode record;
    try {
      record = MAPPER.readTree(line);
    } catch (IOException e) {
      // audit verify reports a broken line; the story goes on with the lines that can be read.
      unreadable++;
      return;
    }
    if (record == null || !touches(record)) {
      return;
    }
    records.add(record);
    lines.add(number);
    if (asked == null && id.value().equals(text(record, "request"))) {
      JsonNode requested = record.path("requested");
      asked = requested.isObject() ? requested : null;
      user = text(record, "user");
    }
    for (JsonNode action : record.path("actions")) {
      if (action.path("target").asText().equals("request:" + id.value())) {
        lockIds.add(action.path("lockId").asText());
      }
    }
  }

  private boolean touches(JsonNode record) {
    String phase = record.path("phase").asText();
    if (phase.equals("checkpoint")) {
      return false;
    }
    if (id.value().equals(text(record, "request"))) {
      return true;
    }
    for (String side : List.of("before", "after")) {
      for (String list : List.of("active", "locked")) {
        for (JsonNode held : record.path(side).path(list)) {
          if (held.asText().equals(id.value())) {
            return true;
          }
        }
      }
    }
    for (JsonNode action : record.path("actions")) {
      String target = action.path("target").asText();
      if (target.equals(id.value()) || target.equals("request:" + id.value())) {
        return true;
      }
    }
    return false;
  }

  /** The request's state on one side of a decision, in words. */
  private String state(JsonNode record, String side) {
    if (contains(record.path(side).path("locked"))) {
      return "locked";
    }
    if (contains(record.path(side).path("active"))) {
      return "active";
    }
    if (!id.value().equals(text(record, "request"))) {
      return "not held";
    }
    if (side.equals("before")) {
      return "pending";
    }
    return switch (record.path("outcome").asText()) {
      case "DENY" -> "denied";
      case "ESCALATE" -> "pending, left to a person";
      default -> "pending";
    };
  }

  private boolean contains(JsonNode list) {
    for (JsonNode item : list) {
      if (item.asText().equals(id.value())) {
        return true;
      }
    }
    return false;
  }

  void describe(PrintWriter out, @Nullable List<AuditEvent> events) {
    out.println("request " + id + (user == null ? "" : " of " + user));
    if (asked != null) {
      out.printf(
          "asked     %s: roles %s; resources %s; for %s; reason \"%s\"%n",
          asked.path("created").asText(),
          join(asked.path("roles")),
          join(asked.path("resources")),
          asked.path("ttl").asText(),
          asked.path("reason").asText());
    } else {
      out.println("asked     (the log does not record the request's content)");
    }
    out.println("decisions from " + log + ":");
    for (int i = 0; i < records.size(); i++) {
      describeRecord(out, records.get(i), lines.get(i));
    }
    if (unreadable > 0) {
      out.println("  (" + unreadable + " lines of the log could not be read; run audit verify)");
    }
    if (events != null) {
      out.println("broker events:");
      if (events.isEmpty()) {
        out.println("  none");
      }
      for (AuditEvent event : events) {
        out.printf(
            "  v%d %s %s %s %s by %s%s%s%s%n",
            event.resourceVersion(),
            event.time(),
            event.type(),
            event.kind(),
            event.id(),
            event.actor().name(),
            event.actor().serial() == null ? "" : " (serial " + event.actor().serial() + ")",
            event.decisionId() == null ? "" : " decision " + event.decisionId(),
            event.reason().isEmpty() ? "" : ": " + event.reason());
      }
    }
    out.flush();
  }

  private void describeRecord(PrintWriter out, JsonNode record, long line) {
    String phase = record.path("phase").asText();
    out.printf(
        "  %s  seq %s  %-7s decision %s%n",
        record.path("time").asText(),
        record.path("seq").asText(),
        phase,
        record.path("decisionId").asText());
    if (phase.equals("outcome")) {
      List<String> results = new ArrayList<>();
      for (JsonNode action : record.path("actions")) {
        String error = action.path("error").asText("");
        results.add(
            action.path("type").asText()
                + " "
                + target(action)
                + ": "
                + action.path("result").asText()
                + (error.isEmpty() || action.path("error").isNull() ? "" : " (" + error + ")"));
      }
      out.println(
          "      results: " + (results.isEmpty() ? "no action" : String.join("; ", results)));
      return;
    }
    JsonNode policy = record.path("policy");
    JsonNode identity = record.path("identity");
    out.printf(
        "      %s by %s (serial %s) under policy %s (sha256 %s), mode %s, on %s; line %d%n",
        phase.equals("shadow") ? "shadow decision, not acted on," : "decided",
        identity.path("name").asText(),
        identity.path("serial").asText(),
        policy.path("name").asText(),
        abbreviate(policy.path("sha256").asText()),
        record.path("mode").asText(),
        trigger(record.path("trigger")),
        line);
    out.printf(
        "      outcome %s for %s; %s: %s → %s%n",
        record.path("outcome").asText(),
        record.path("request").isNull()
            ? "a resync of " + text(record, "user")
            : record.path("request").asText(),
        id,
        state(record, "before"),
        state(record, "after"));
    for (JsonNode rule : record.path("rules")) {
      out.println("      rule " + rule.path("name").asText() + ": " + rule.path("reason").asText());
    }
    for (JsonNode action : record.path("actions")) {
      out.println("      action " + action.path("type").asText() + " " + target(action));
    }
    if (phase.equals("shadow")) {
      out.println(
          "      the policy in force decided " + record.path("enforced").path("outcome").asText());
    }
  }

  Map<String, Object> asJson(@Nullable List<AuditEvent> events) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("request", id.value());
    json.put("user", user);
    json.put("asked", asked);
    List<Object> decisions = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      JsonNode record = records.get(i);
      Map<String, Object> each = new LinkedHashMap<>();
      each.put("line", lines.get(i));
      each.put("seq", record.path("seq").asLong());
      each.put("time", record.path("time").asText());
      each.put("phase", record.path("phase").asText());
      each.put("decisionId", record.path("decisionId").asText());
      each.put("policy", record.path("policy"));
      each.put("mode", record.path("mode").asText());
      each.put("identity", record.path("identity"));
      each.put("trigger", record.path("trigger"));
      each.put("user", text(record, "user"));
      each.put("decided", record.path("request").isNull() ? null : record.path("request").asText());
      each.put("outcome", record.path("outcome").asText());
      each.put("rules", record.path("rules"));
      each.put("actions", record.path("actions"));
      each.put("state", Map.of("before", state(record, "before"), "after", state(record, "after")));
      if (record.has("enforced")) {
        each.put("enforced", record.path("enforced"));
      }
      decisions.add(each);
    }
    json.put("decisions", decisions);
    json.put("unreadableLines", unreadable);
    json.put("brokerEvents", events);
    return json;
  }

  private static String trigger(JsonNode trigger) {
    String kind = trigger.path("kind").asText();
    return kind.equals("resync")
        ? "a resync"
        : kind
            + " "
            + trigger.path("id").asText()
            + " at version "
            + trigger.path("resourceVersion").asText();
  }

  private static String target(JsonNode action) {
    String lockId = action.path("lockId").isNull() ? "" : action.path("lockId").asText("");
    return (lockId.isEmpty() ? "" : lockId + " on ") + action.path("target").asText();
  }

  private static @Nullable String text(JsonNode record, String field) {
    JsonNode value = record.path(field);
    return value.isTextual() ? value.asText() : null;
  }

  private static String join(JsonNode list) {
    List<String> items = new ArrayList<>();
    list.forEach(item -> items.add(item.asText()));
    return items.isEmpty() ? "-" : String.join(", ", items);
  }

  private static String abbreviate(String hash) {
    return hash.length() > 12 ? hash.substring(0, 12) + "…" : hash;
  }
}
