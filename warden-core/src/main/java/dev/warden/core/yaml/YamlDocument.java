package dev.warden.core.yaml;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
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

  /**
   * The deepest nesting of collections Warden reads. Its files need a handful of levels; the YAML
   * library composes nodes recursively, so a file of a few thousand brackets would otherwise
   * overflow the stack instead of being refused.
   */
  public static final int MAX_DEPTH = 64;

  private YamlDocument() {}

  /**
   * Decodes a file's bytes as UTF-8, strictly, recording in {@code problems} where they stop being
   * UTF-8.
   *
   * <p>Reading a file with the platform's lenient decoding would turn a stray byte into a
   * replacement character that then shows up in a name or a condition; reading it strictly without
   * this would fail with the decoder's own message, which names neither the line nor the column.
   *
   * @return the text, or empty when the bytes are not UTF-8
   */
  public static Optional<String> decode(byte[] bytes, Problems problems) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int offset = in.position();
      problems.error(
          positionOf(out.flip()),
          "not-utf8",
          "file is not UTF-8 text: byte 0x"
              + HexFormat.of().toHexDigits(bytes[offset])
              + " at offset "
              + offset
              + " begins no UTF-8 character",
          "save the file as UTF-8");
      return Optional.empty();
    }
    decoder.flush(out);
    return Optional.of(out.flip().toString());
  }

  /** The position just after {@code text}, the part of a file decoded so far. */
  private static Position positionOf(CharSequence text) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 1;
      } else if (!Character.isLowSurrogate(text.charAt(i))) {
        column++;
      }
    }
    return new Position(line, column);
  }

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
      Optional<Position> tooDeep = firstTooDeep(text, settings);
      if (tooDeep.isPresent()) {
        problems.error(
            tooDeep.get(),
            "too-deep",
            "collections are nested more than "
                + MAX_DEPTH
                + " levels deep here; the limit is "
                + MAX_DEPTH);
        return Optional.empty();
      }
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

  /**
   * Where the first collection deeper than {@link #MAX_DEPTH} starts, found from the parser's
   * events, which are produced without recursion, before anything is composed.
   */
  private static Optional<Position> firstTooDeep(String text, LoadSettings settings) {
    int depth = 0;
    for (Event event : new Parse(settings).parseString(text)) {
      if (event.getEventId() == Event.ID.SequenceStart
          || event.getEventId() == Event.ID.MappingStart) {
        depth++;
        if (depth > MAX_DEPTH) {
          return Optional.of(position(event.getStartMark()));
        }
      } else if (event.getEventId() == Event.ID.SequenceEnd
          || event.getEventId() == Event.ID.MappingEnd) {
        depth--;
      }
    }
    return Optional.empty();
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
