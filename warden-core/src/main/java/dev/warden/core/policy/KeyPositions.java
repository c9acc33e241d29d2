package dev.warden.core.policy;

import dev.warden.core.yaml.Position;
import dev.warden.core.yaml.YamlNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where one mapping of a policy file (the document, or one rule) and its values were written, so
 * checks made after loading, such as against a catalog, can point at the right line.
 *
 * @param start where the mapping starts
 * @param values for each key written, where its value starts
 * @param items for each key whose value is a list, where each item starts
 */
public record KeyPositions(
    Position start, Map<String, Position> values, Map<String, List<Position>> items) {

  public KeyPositions {
    values = Map.copyOf(values);
    items = Map.copyOf(items);
  }

  /** Where the value of {@code key} starts, or the mapping's start when the key was not written. */
  public Position of(String key) {
    return values.getOrDefault(key, start);
  }

  /** Where item {@code index} of the list under {@code key} starts, or the best place near it. */
  public Position item(String key, int index) {
    List<Position> list = items.get(key);
    return list != null && index >= 0 && index < list.size() ? list.get(index) : of(key);
  }

  static KeyPositions read(YamlNode.Mapping mapping) {
    Map<String, Position> values = new LinkedHashMap<>();
    Map<String, List<Position>> items = new LinkedHashMap<>();
    for (YamlNode.Mapping.Entry entry : mapping.entries()) {
      values.put(entry.key(), entry.value().position());
      if (entry.value() instanceof YamlNode.Sequence sequence) {
        List<Position> positions = new ArrayList<>();
        sequence.items().forEach(item -> positions.add(item.position()));
        items.put(entry.key(), positions);
      }
    }
    return new KeyPositions(mapping.position(), values, items);
  }
}
