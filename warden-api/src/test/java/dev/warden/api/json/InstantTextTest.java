package dev.warden.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Instants written and read without the formatter, against the formatter and the time module. */
class InstantTextTest {

  private static final long FIRST = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
  private static final long LAST = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

  /** The tolerant mapper with the time module's instants, the way they were written before. */
  private static final ObjectMapper MODULE_ONLY = Json.build(false, false);

  private static final ObjectMapper STRICT_MODULE_ONLY = Json.build(true, false);

  record Holder(@Nullable Instant at) {}

  @Test
  void format_writesWhatTheFormatterWrites() {
    Random random = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      Instant instant = randomInstant(random);

      String text = InstantText.format(instant);

      assertThat(text).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(instant));
      assertThat(InstantText.parse(text)).isEqualTo(instant);
    }
  }

  @Test
  void format_outsideFourDigitYears_isTheFormatters() {
    for (Instant instant :
        List.of(
            Instant.MIN,
            Instant.MAX,
            Instant.ofEpochSecond(FIRST - 1, 5),
            Instant.ofEpochSecond(LAST + 1))) {
      assertThat(InstantText.format(instant))
          .isEqualTo(DateTimeFormatter.ISO_INSTANT.format(instant));
    }
  }

  @Test
  void parse_takesOnlyWhatTheFormatterReadsAsTheSameInstant() {
    Random random = new Random(11);
    String alphabet = "0123456789-:.TZtz+ ";
    for (int i = 0; i < 200_000; i++) {
      char[] text = InstantText.format(randomInstant(random)).toCharArray();
      for (int edits = random.nextInt(3); edits > 0; edits--) {
        text[random.nextInt(text.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
      }
      String mangled = new String(text);

      @Nullable Instant fast = InstantText.parse(mangled);

      if (fast != null) {
        assertThat(formatterReading(mangled)).as(mangled).isEqualTo(fast);
      }
    }
  }

  @Test
  void mappers_writeAndReadInstantsAsTheTimeModuleDoes() throws Exception {
    Random random = new Random(13);
    for (int i = 0; i < 20_000; i++) {
      Holder holder = new Holder(randomInstant(random));

      byte[] written = Json.write(holder);

      assertThat(written).isEqualTo(MODULE_ONLY.writeValueAsBytes(holder));
      assertThat(Json.readAnswer(written, Holder.class)).isEqualTo(holder);
    }
    List<String> texts =
        List.of(
            "\"2026-01-02T03:04:05Z\"",
            "\"2026-01-02T03:04:05.1Z\"",
            "\"2026-01-02T03:04:05.123456789Z\"",
            "\"2026-01-02T03:04:05+01:00\"",
            "\"2026-01-02t03:04:05z\"",
            "\"2026-02-30T03:04:05Z\"",
            "\"2026-01-02T24:00:00Z\"",
            "\"2016-12-31T23:59:60Z\"",
            "\" 2026-01-02T03:04:05Z \"",
            "\"\"",
            "\"12345\"",
            "12345",
            "1.5",
            "null",
            "true");
    for (String text : texts) {
      String body = "{\"at\":" + text + "}";
      assertThat(outcome(Json.mapper(), body)).as(body).isEqualTo(outcome(MODULE_ONLY, body));
      assertThat(outcome(Json.build(true, true), body))
          .as(body)
          .isEqualTo(outcome(STRICT_MODULE_ONLY, body));
    }
  }

  private static String outcome(ObjectMapper mapper, String body) {
    try {
      return String.valueOf(mapper.readValue(body, Holder.class));
    } catch (Exception e) {
      return e.getClass().getName();
    }
  }

  private static @Nullable Instant formatterReading(String text) {
    try {
      return Instant.from(DateTimeFormatter.ISO_INSTANT.parse(text));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static Instant randomInstant(Random random) {
    long seconds =
        switch (random.nextInt(4)) {
          case 0 -> FIRST + random.nextInt(1000);
          case 1 -> LAST - random.nextInt(1000);
          default -> FIRST + (long) (random.nextDouble() * (LAST - FIRST));
        };
    int nano =
        switch (random.nextInt(5)) {
          case 0 -> 0;
          case 1 -> random.nextInt(1000) * 1_000_000;
          case 2 -> random.nextInt(1_000_000) * 1_000;
          default -> random.nextInt(1_000_000_000);
        };
    return Instant.ofEpochSecond(seconds, nano);
  }
}
