package dev.warden.watcher.log;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Checks a decision log: every line canonical JSON, every hash right, every {@code prev} the hash
 * before it, {@code seq} counting up from 1, and the last line complete.
 *
 * <p>Requiring each line to be exactly its canonical form, not merely to hash right, is what makes
 * every single-byte change detectable: a change that keeps the JSON's meaning (an added space, a
 * letter written as an escape) changes the form, and any other change alters the hash. Cutting the
 * file at a line boundary leaves a valid chain; only signed checkpoints or an outside record of the
 * last hash can reveal that.
 */
public final class LogVerifier {

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private LogVerifier() {}

  /**
   * The first fault found.
   *
   * @param line 1-based line number
   * @param seq the record's {@code seq} when it could be read, otherwise -1
   * @param kind one of {@code not-json}, {@code not-canonical}, {@code hash-mismatch}, {@code
   *     seq-gap}, {@code prev-mismatch}, {@code torn-tail}
   */
  public record Fault(int line, long seq, String kind, String detail) {}

  /** How many records verified, and the first fault or null. */
  public record Result(long records, String lastHash, @Nullable Fault fault) {
    public boolean ok() {
      return fault == null;
    }
  }

  public static Result verify(Path file) throws IOException {
    return verify(Files.readAllBytes(file));
  }

  public static Result verify(byte[] content) {
    String previousHash = DecisionLog.ZERO_HASH;
    long expectedSeq = 1;
    int lineNumber = 0;
    int start = 0;
    while (start < content.length) {
      lineNumber++;
      int end = start;
      while (end < content.length && content[end] != '\n') {
        end++;
      }
      if (end == content.length) {
        return new Result(
            expectedSeq - 1,
            previousHash,
            new Fault(lineNumber, -1, "torn-tail", "the last line has no line end"));
      }
      Fault fault = check(content, start, end, lineNumber, expectedSeq, previousHash);
      if (fault != null) {
        return new Result(expectedSeq - 1, previousHash, fault);
      }
      previousHash = hashOf(content, start, end);
      expectedSeq++;
      start = end + 1;
    }
    return new Result(expectedSeq - 1, previousHash, null);
  }

  private static @Nullable Fault check(
      byte[] content, int start, int end, int lineNumber, long expectedSeq, String previousHash) {
    String line;
    try {
      line =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(content, start, end - start))
              .toString();
    } catch (CharacterCodingException e) {
      return new Fault(lineNumber, -1, "not-json", "the line is not valid UTF-8");
    }
    Map<String, Object> record;
    try {
      JsonNode node = MAPPER.readTree(line);
      if (node == null || !node.isObject()) {
        return new Fault(lineNumber, -1, "not-json", "the line is not a JSON object");
      }
      record = asMap(node);
    } catch (IOException | IllegalArgumentException e) {
      return new Fault(lineNumber, -1, "not-json", "the line is not valid JSON");
    }

    long seq = record.get("seq") instanceof Long l ? l : -1;
    if (!CanonicalJson.write(record).equals(line)) {
      return new Fault(
          lineNumber, seq, "not-canonical", "the line is not in canonical form, so it was edited");
    }
    Object hash = record.remove("hash");
    if (!(hash instanceof String claimed)
        || !claimed.equals(Hashing.sha256Hex(CanonicalJson.write(record)))) {
      return new Fault(
          lineNumber,
          seq,
          "hash-mismatch",
          "the record's content does not match its hash, so it was edited");
    }
    if (seq != expectedSeq) {
      return new Fault(
          lineNumber,
          seq,
          "seq-gap",
          "expected seq "
              + expectedSeq
              + " but found "
              + seq
              + ": records are missing, inserted or reordered");
    }
    if (!previousHash.equals(record.get("prev"))) {
      return new Fault(
          lineNumber, seq, "prev-mismatch", "prev does not name the hash of the record before it");
    }
    return null;
  }

  private static String hashOf(byte[] content, int start, int end) {
    try {
      JsonNode node =
          MAPPER.readTree(new String(content, start, end - start, StandardCharsets.UTF_8));
      return node.path("hash").asText();
    } catch (IOException e) {
      throw new IllegalStateException("bug: a checked line no longer parses", e);
    }
  }

  /** Converts parsed JSON to the plain values {@link CanonicalJson} writes. */
  static Map<String, Object> asMap(JsonNode node) {
    Map<String, Object> map = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      map.put(field.getKey(), plain(field.getValue()));
    }
    return map;
  }

  private static @Nullable Object plain(JsonNode node) {
    if (node.isObject()) {
      return asMap(node);
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(plain(item)));
      return list;
    }
    if (node.isTextual()) {
      return node.asText();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    if (node.isNull()) {
      return null;
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.asLong();
    }
    throw new IllegalArgumentException("numbers in the decision log are whole");
  }
}
