package dev.warden.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.api.v1.NewLock;
import dev.warden.api.v1.NewRequest;
import dev.warden.api.v1.NewReview;
import dev.warden.api.v1.RenewRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The one-pass reading of request bodies against the tree it stands in for: on generated bodies,
 * valid and not, whatever the one pass accepts the tree must accept too, bound to an equal value.
 * Everything else is the tree's to answer, so its errors are the tree's by construction.
 */
class OnePassBodyTest {

  private static final Map<Class<?>, List<String>> FIELDS =
      Map.of(
          NewRequest.class, List.of("user", "roles", "resources", "reason", "ttl"),
          NewReview.class, List.of("decision", "reason", "decisionId"),
          NewLock.class, List.of("id", "target", "message", "expires"),
          RenewRequest.class, List.of("csr"));

  private static final List<String> VALUES =
      List.of(
          "\"alice\"",
          "\"prod-db\"",
          "\"node/prod-web-1\"",
          "\"PT1H\"",
          "\"PT0S\"",
          "\"-PT1H\"",
          "\"P1D\"",
          "\"APPROVE\"",
          "\"DENY\"",
          "\"approve\"",
          "\"2026-01-02T03:04:05Z\"",
          "\"2026-01-02T03:04:05.5Z\"",
          "\"2026-02-30T03:04:05Z\"",
          "\"2026-01-02T03:04:05+01:00\"",
          "\"warden-1\"",
          "\"d-1:x/y@z\"",
          "\"bad id!\"",
          "\"\"",
          "\" \"",
          "\"é€𝄞\"",
          "\"a\\u0000b\"",
          "\"x".repeat(1) + "y".repeat(1030) + "\"",
          "\"" + "é".repeat(511) + "\"",
          "\"" + "é".repeat(513) + "\"",
          "\"" + "€".repeat(341) + "\"",
          "\"" + "€".repeat(342) + "\"",
          "0",
          "3600",
          "-1",
          "1.5",
          "3600.0",
          "1e3",
          "99999999999999999999",
          "9223372036854775807",
          "true",
          "false",
          "null",
          "[]",
          "[\"prod-db\"]",
          "[\"prod-db\",\"other\"]",
          "[\"node/prod-web-1\"]",
          "[null]",
          "[1]",
          "[[\"x\"]]",
          "{}",
          "{\"user\":\"alice\"}",
          "{\"request\":\"r-1\"}",
          "{\"role\":\"prod-db\"}",
          "{\"user\":\"a\",\"role\":\"b\"}",
          "{\"user\":1}",
          "{\"colour\":\"red\"}");

  private static final List<String> UNKNOWN = List.of("colour", "Reason", "roles ", "", "class");

  @Test
  void readBody_onePass_neverAcceptsWhatTheTreeRefusesNorBindsDifferently() throws Exception {
    Random random = new Random(20261203);
    for (Class<?> type : FIELDS.keySet()) {
      int onePass = 0;
      int treeAccepted = 0;
      for (int i = 0; i < 4_000; i++) {
        String body = body(random, FIELDS.get(type));

        @Nullable Object fast = OnePassBody.read(Json.strictReader(type), utf8(body), type);
        @Nullable Object tree = throughTree(body, type);

        if (fast != null) {
          onePass++;
          assertThat(tree).as("the tree's reading of %s", body).isEqualTo(fast);
        }
        if (tree != null) {
          treeAccepted++;
        }
      }
      // The comparison means something only if the one pass takes a good part of what is valid.
      assertThat(onePass).as("bodies of %s read in one pass", type).isGreaterThan(treeAccepted / 2);
    }
  }

  @Test
  void read_whenBodyIsValid_bindsItInOnePass() {
    String body =
        "{\"roles\":[\"prod-db\"],\"resources\":[],\"reason\":\"INC-1\",\"ttl\":\"PT2H\"}";

    Object fast =
        OnePassBody.read(Json.strictReader(NewRequest.class), utf8(body), NewRequest.class);

    assertThat(fast).isEqualTo(throughTree(body, NewRequest.class));
  }

  @Test
  void read_whenBodyHasWhatTheTreeWouldReport_leavesItToTheTree() {
    List<String> bodies =
        List.of(
            "{\"reason\":\"r\",\"reason\":\"s\"}",
            "{\"reason\":\"r\",\"colour\":1}",
            "{\"reason\":\"" + "x".repeat(Json.MAX_STRING_BYTES + 1) + "\"}",
            "{\"reason\":\"r\"} {}",
            "{\"reason\":\"r\",\"ttl\":1.5}",
            "{\"roles\":[]}",
            "{\"reason\":5}",
            "[]",
            "null",
            "",
            "{\"reason\":\"r\"");

    for (String body : bodies) {
      assertThat(
              OnePassBody.read(Json.strictReader(NewRequest.class), utf8(body), NewRequest.class))
          .as(body)
          .isNull();
    }
  }

  private static @Nullable Object throughTree(String body, Class<?> type) {
    try {
      return Json.readBodyThroughTree(utf8(body), type);
    } catch (JsonInputException | RuntimeException e) {
      return null;
    }
  }

  /** A JSON object of mostly known fields with values of every shape, now and then mangled. */
  private static String body(Random random, List<String> fields) {
    List<String> members = new ArrayList<>();
    int count = random.nextInt(fields.size() + 2);
    for (int i = 0; i < count; i++) {
      String key =
          random.nextInt(10) == 0
              ? UNKNOWN.get(random.nextInt(UNKNOWN.size()))
              : fields.get(random.nextInt(fields.size()));
      members.add("\"" + key + "\":" + VALUES.get(random.nextInt(VALUES.size())));
    }
    String body = "{" + String.join(random.nextInt(20) == 0 ? " , " : ",", members) + "}";
    return switch (random.nextInt(40)) {
      case 0 -> body + " {}";
      case 1 -> " \n" + body + "\n";
      case 2 -> body.substring(0, random.nextInt(body.length()));
      case 3 -> "[" + body + "]";
      default -> body;
    };
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
