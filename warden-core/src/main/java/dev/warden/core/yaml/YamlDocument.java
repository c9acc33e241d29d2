package dev.warden.core.yaml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Parses YAML text into {@link YamlNode}s that remember their positions.
 *
 * <p>Strict on purpose: one document, no aliases (they let a small file expand without bound), no
 * duplicate keys, no non-string keys, and a size limit checked before parsing.
 */
public final class YamlDocument {

  /** The largest YAML file Warden reads, in characters. */
  public static final int MAX_CHARACTERS = 1 << 20;

  private YamlDocument() {}

  /**
   * Parses {@code text}, recording syntax errors in {@code problems}.
   *
   * @return the root node, or empty when the text is not valid YAML or holds no document
   */
  public static Optional<YamlNode> parse(String text, Problems problems) {
    if (text.length() > MAX_CHARACTERS) {
      problems.error(
          Position.START,
          "too-large",
          "file has " + text.length() + " characters; the limit is " + MAX_CHARACTERS);
      return Optional.empty();
    }
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(problems.source())
            .setMaxAliasesForCollections(0)
            .setAllowDuplicateKeys(false)
            .setAllowNonScalarKeys(false)
            .setCodePointLimit(MAX_CHARACTERS * 4)
            .build();
    Iterable<Node> documents;
    List<Node> roots = new ArrayList<>();
    try {
      documents = new Compose(settings).composeAllFromString(text);
      for (Node document : documents) {
        roots.add(document);
        if (roots.size() > 1) {
          problems.error(
              position(document.getStartMark()),
              "many-documents",
              "file holds more than one YAML document; Warden reads exactly one");
          return Optional.empty();
        }
      }
    } catch (MarkedYamlEngineException e) {
      Position at = position(e.getProblemMark().or(e::getContextMark));
      problems.error(at, "yaml-syntax", "not valid YAML: " + describe(e));
      return Optional.empty();
    } catch (YamlEngineException e) {
      problems.error(Position.START, "yaml-syntax", "not valid YAML: " + e.getMessage());
      return Optional.empty();
    }
    if (roots.isEmpty()) {
      problems.error(Position.START, "empty-file", "file holds no YAML document");
      return Optional.empty();
    }
    return Optional.of(convert(roots.get(0), problems));
  }

  private static String describe(MarkedYamlEngineException e) {
    String problem = e.getProblem();
    String context = e.getContext();
    if (problem == null || problem.isBlank()) {
      return context == null ? "syntax error" : context;
    }
    return context == null || context.isBlank() ? problem : problem + " (" + context + ")";
  }

  private static YamlNode convert(Node node, Problems problems) {
    Position at = position(node.getStartMark());
    return switch (node) {
      case ScalarNode scalar ->
          new YamlNode.Scalar(at, problems, scalar.getValue(), scalar.isPlain());
      case SequenceNode sequence -> {
        List<YamlNode> items = new ArrayList<>();
        for (Node item : sequence.getValue()) {
          items.add(convert(item, problems));
        }
        yield new YamlNode.Sequence(at, problems, items);
      }
      case MappingNode mapping -> convertMapping(mapping, at, problems);
      default -> {
        problems.error(at, "yaml-syntax", "unsupported YAML node " + node.getNodeType());
        yield new YamlNode.Scalar(at, problems, "", true);
      }
    };
  }

  private static YamlNode convertMapping(MappingNode mapping, Position at, Problems problems) {
    Map<String, YamlNode.Mapping.Entry> entries = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      Position keyAt = position(keyNode.getStartMark());
      if (!(keyNode instanceof ScalarNode keyScalar)) {
        problems.error(keyAt, "wrong-type", "mapping keys must be plain strings");
        continue;
      }
      String key = keyScalar.getValue();
      if (entries.containsKey(key)) {
        Position first = entries.get(key).keyPosition();
        problems.error(
            keyAt,
            "duplicate-key",
            "key '" + key + "' appears twice; the first is at line " + first.line());
        continue;
      }
      entries.put(
          key, new YamlNode.Mapping.Entry(key, keyAt, convert(tuple.getValueNode(), problems)));
    }
    return new YamlNode.Mapping(at, problems, entries);
  }

  private static Position position(Optional<Mark> mark) {
    return mark.map(m -> new Position(m.getLine() + 1, m.getColumn() + 1)).orElse(Position.START);
  }
}
