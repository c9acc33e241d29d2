package dev.warden.cli.reliability.fuzz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.api.json.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Mutations of valid JSON bodies that keep them JSON often enough to reach the broker's field
 * checks: fields deleted, duplicated, added and retyped, strings at and past the length limit, edge
 * values for ids, durations and times, lists grown past their limit, values nested past the depth
 * limit. Byte-level mutations on top break the JSON itself, and its UTF-8.
 */
final class JsonMutator {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Stands in for a deeply nested value until the text is written; Jackson would refuse it. */
  private static final String DEEP = "@@deep@@";

  /** Strings that sit on or past a documented rule of the API. */
  private static final List<String> EDGE_TEXT =
      List.of(
          "",
          " ",
          "prod-db",
          "root",
          "prod db;drop",
          "../../etc/passwd",
          "a".repeat(253),
          "a".repeat(254),
          "-leading-dash",
          "node/prod-web-1",
          "alice",
          "fuzz-admin",
          "warden-fuzz",
          "PT4H",
          "PT0S",
          "PT-1H",
          "P9999999999D",
          "PT9999999999999999999H",
          "4h",
          "2026-12-03T10:31:19.551397Z",
          "2026-13-45T25:61:61Z",
          "+999999999-12-31T23:59:59Z",
          "-999999999-01-01T00:00:00Z",
          "1970-01-01T00:00:00Z",
          "APPROVE",
          "DENY",
          "approve",
          "PENDING",
          "r-nrapeowphxc6722kf3lg",
          "78296c0b-1a71-4557-a28f-42994419256c",
          "\u0000",
          "\uFEFF",
          "é".repeat(600),
          "😀".repeat(300),
          "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
          "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----");

  /** Times a time field should not take lightly: far ends, nanoseconds, and no time at all. */
  private static final List<String> TIMES =
      List.of(
          "2026-12-03T10:31:19.551397123Z",
          "9999-12-31T23:59:59.999999Z",
          "+10000-01-01T00:00:00Z",
          "+999999999-12-31T23:59:59Z",
          "-999999999-01-01T00:00:00Z",
          "0000-01-01T00:00:00Z",
          "1970-01-01T00:00:00Z",
          "2026-02-30T00:00:00Z",
          "2026-12-03T10:31:19+02:00",
          "2026-12-03",
          "1733221879");

  /** Durations past the ends a duration field is meant to hold. */
  private static final List<String> DURATIONS =
      List.of(
          "PT0.0000001S",
          "PT0.000001S",
          "PT0S",
          "-PT1H",
          "P106751991167D",
          "PT2562047788015215H",
          "P3650000D",
          "PT9999999999999999999H",
          "P1Y",
          "PT1H30M0.5S");

  private static final Arbitrary<Long> LONGS = Arbitraries.longs();
  private static final Arbitrary<Double> DOUBLES = Arbitraries.doubles();
  private static final Arbitrary<String> LONG_TEXT =
      Arbitraries.strings().alpha().ofMinLength(1000).ofMaxLength(70_000);

  private JsonMutator() {}

  /** One to three mutations of {@code template}, which must be a JSON object. */
  static byte[] mutate(FuzzRun run, String template) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(template);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the template is not JSON: " + template, e);
    }
    int rounds = 1 + run.random().nextInt(3);
    int depth = 0;
    for (int i = 0; i < rounds; i++) {
      if (once(run, root)) {
        depth = run.pick(List.of(31, 32, 33, 64, 1000, 20_000));
      }
    }
    String text = write(root);
    if (depth > 0) {
      String open = run.chance(0.5) ? "[" : "{\"a\":";
      String close = open.equals("[") ? "]" : "}";
      text = text.replace("\"" + DEEP + "\"", open.repeat(depth) + "1" + close.repeat(depth));
    }
    if (run.chance(0.3)) {
      text = duplicateField(run, text, root);
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    while (run.chance(0.25)) {
      bytes = ByteMutator.mutate(run, bytes);
    }
    return bytes;
  }

  /** One mutation in place; true when it planted a deeply nested value. */
  private static boolean once(FuzzRun run, JsonNode root) {
    List<Slot> slots = new ArrayList<>();
    collect(root, slots);
    if (slots.isEmpty()) {
      ((ObjectNode) root).set("x", value(run));
      return false;
    }
    Slot slot = run.pick(slots);
    switch (run.random().nextInt(9)) {
      case 0 -> slot.remove();
      case 1, 2 -> slot.set(value(run));
      case 3 -> slot.set(NODES.textNode(edgeLike(run, slot.value())));
      case 4 -> slot.set(NODES.textNode(run.draw(LONG_TEXT)));
      case 5 -> slot.set(NODES.textNode(run.draw(ByteMutator.ANY_TEXT)));
      case 6 -> grow(run, slot);
      case 7 -> {
        slot.set(NODES.textNode(DEEP));
        return true;
      }
      default -> {
        if (root instanceof ObjectNode object) {
          object.set(run.pick(List.of("x", "colour", "user", "id", "state", "Roles")), value(run));
        }
      }
    }
    return false;
  }

  /** An edge value of the kind the slot holds: a time for a time, a duration for a duration. */
  private static String edgeLike(FuzzRun run, JsonNode current) {
    String text = current.isTextual() ? current.textValue() : "";
    if (text.matches("\\d{4}-.*")) {
      return run.pick(TIMES);
    }
    if (text.startsWith("P")) {
      return run.pick(DURATIONS);
    }
    return run.pick(EDGE_TEXT);
  }

  /** A value of any JSON type, often of the wrong one. */
  private static JsonNode value(FuzzRun run) {
    return switch (run.random().nextInt(10)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(run.random().nextBoolean());
      case 2 -> NODES.numberNode(run.draw(LONGS));
      case 3 -> NODES.numberNode(run.draw(DOUBLES));
      case 4 -> NODES.numberNode(BigInteger.TWO.pow(64 + run.random().nextInt(2000)));
      case 5 -> NODES.arrayNode();
      case 6 -> NODES.objectNode();
      case 7 -> NODES.arrayNode().add(run.pick(EDGE_TEXT)).addNull();
      case 8 -> NODES.objectNode().put(run.pick(EDGE_TEXT), run.pick(EDGE_TEXT));
      default -> NODES.textNode(run.pick(EDGE_TEXT));
    };
  }

  /** Repeats the slot's value, in a list, past the limit of 64 roles plus resources. */
  private static void grow(FuzzRun run, Slot slot) {
    ArrayNode list = NODES.arrayNode();
    JsonNode item =
        slot.value().isArray() && !slot.value().isEmpty() ? slot.value().get(0) : slot.value();
    int count = run.pick(List.of(63, 64, 65, 200, 3000));
    for (int i = 0; i < count; i++) {
      list.add(item.deepCopy());
    }
    slot.set(list);
  }

  /** Adds a second copy of one of the object's fields, which a JSON tree cannot hold. */
  private static String duplicateField(FuzzRun run, String text, JsonNode root) {
    if (!(root instanceof ObjectNode object) || object.isEmpty() || !text.startsWith("{")) {
      return text;
    }
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    String name = run.pick(names);
    return "{\"" + name + "\":" + write(value(run)) + "," + text.substring(1);
  }

  private static String write(JsonNode node) {
    try {
      return Json.mapper().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain values could not be written", e);
    }
  }

  /** Every place below the root that holds a value, in objects and in lists. */
  private static void collect(JsonNode node, List<Slot> slots) {
    if (node instanceof ObjectNode object) {
      Iterator<String> names = object.fieldNames();
      List<String> fields = new ArrayList<>();
      names.forEachRemaining(fields::add);
      for (String field : fields) {
        slots.add(new Slot(object, field, -1));
        collect(object.get(field), slots);
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        slots.add(new Slot(array, null, i));
        collect(array.get(i), slots);
      }
    }
  }

  /** A field of an object, or an element of a list. */
  private record Slot(JsonNode parent, @org.jspecify.annotations.Nullable String field, int index) {
    JsonNode value() {
      return field != null ? parent.get(field) : parent.get(index);
    }

    void set(JsonNode value) {
      if (field != null) {
        ((ObjectNode) parent).set(field, value);
      } else if (index < parent.size()) {
        ((ArrayNode) parent).set(index, value);
      }
    }

    void remove() {
      if (field != null) {
        ((ObjectNode) parent).remove(field);
      } else if (index < parent.size()) {
        ((ArrayNode) parent).remove(index);
      }
    }
  }
}
