package dev.warden.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Durations read without the regular expression, against {@link Duration#parse}. */
class DurationTextTest {

  private static final ObjectMapper MODULE_ONLY = Json.build(false, false);
  private static final ObjectMapper STRICT_MODULE_ONLY = Json.build(true, false);
  private static final String ALPHABET = "PT0123456789HMSDWhms.-+, ";

  record Holder(@Nullable Duration ttl) {}

  @Test
  void parse_takesOnlyWhatDurationParseReadsAsTheSameDuration() {
    Random random = new Random(29);
    int taken = 0;
    for (int i = 0; i < 200_000; i++) {
      String text = i % 2 == 0 ? written(random) : scrambled(random);

      @Nullable Duration quick = DurationText.parse(text);

      if (quick != null) {
        taken++;
        assertThat(quick).as(text).isEqualTo(Duration.parse(text));
      }
      assertThat(outcome(() -> Json.parseDuration(text)))
          .as(text)
          .isEqualTo(outcome(() -> Duration.parse(text)));
    }
    // Every written duration is a whole number of seconds in the common form, so at least those
    // half of the texts must have been taken.
    assertThat(taken).isGreaterThanOrEqualTo(100_000);
  }

  @Test
  void parseDuration_refusesWhatDurationParseRefuses() {
    for (String text : List.of("", "P", "PT", "PTH", "PT4", "PT4X", "PTM4", "4H", "PT1S2M")) {
      assertThat(outcome(() -> Json.parseDuration(text)))
          .as(text)
          .isEqualTo(outcome(() -> Duration.parse(text)));
    }
  }

  @Test
  void mappers_readDurationsAsTheTimeModuleDoes() {
    List<String> texts =
        List.of(
            "\"PT4H\"",
            "\"PT30M\"",
            "\"PT1H30M15S\"",
            "\"PT0S\"",
            "\"PT0.5S\"",
            "\"P1D\"",
            "\"pt4h\"",
            "\"PT-4H\"",
            "\"PT999999999H\"",
            "\"PT4H \"",
            "\"\"",
            "\"4H\"",
            "14400",
            "1.5",
            "null",
            "true");
    for (String text : texts) {
      String body = "{\"ttl\":" + text + "}";
      assertThat(read(Json.mapper(), body)).as(body).isEqualTo(read(MODULE_ONLY, body));
      assertThat(read(Json.build(true, true), body))
          .as(body)
          .isEqualTo(read(STRICT_MODULE_ONLY, body));
    }
  }

  /** What {@link Duration#toString} writes for a whole number of seconds, as the wire does. */
  private static String written(Random random) {
    long seconds =
        switch (random.nextInt(3)) {
          case 0 -> random.nextInt(86_400);
          case 1 -> 3600L * random.nextInt(48);
          default -> (long) (random.nextDouble() * 3600L * 99_999_999L);
        };
    return Duration.ofSeconds(seconds).toString();
  }

  /** Short texts from the letters a duration may have, most of them no duration at all. */
  private static String scrambled(Random random) {
    StringBuilder text = new StringBuilder(random.nextBoolean() ? "PT" : "");
    int length = random.nextInt(12);
    for (int i = 0; i < length; i++) {
      text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return text.toString();
  }

  private static String read(ObjectMapper mapper, String body) {
    try {
      return String.valueOf(mapper.readValue(body, Holder.class));
    } catch (Exception e) {
      return e.getClass().getName();
    }
  }

  private static String outcome(java.util.function.Supplier<Duration> parse) {
    try {
      return parse.get().toString();
    } catch (DateTimeParseException e) {
      return "refused";
    }
  }
}
