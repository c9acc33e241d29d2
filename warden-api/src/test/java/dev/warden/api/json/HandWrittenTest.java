package dev.warden.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.Review;
import dev.warden.api.v1.ReviewDecision;
import dev.warden.api.v1.WatchEvent;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written request object serializer against data binding, on generated requests. */
class HandWrittenTest {

  private static final ObjectMapper BOUND = Json.build(false, false);

  private static final List<String> TEXTS =
      List.of(
          "", "load test", "INC-42 \"quoted\" \\ back", "é€𝄞", "tab\tnew\nline", "\u0001\u001f");

  @Test
  void write_ofRequestObject_isWhatDataBindingWrites() throws Exception {
    Random random = new Random(5);
    for (int i = 0; i < 5_000; i++) {
      RequestObject request = request(random);
      WatchEvent event = new WatchEvent.RequestChange(WatchEvent.ChangeType.MODIFIED, request, i);

      assertThat(text(Json.write(request))).isEqualTo(text(BOUND.writeValueAsBytes(request)));
      assertThat(text(Json.write(event))).isEqualTo(text(BOUND.writeValueAsBytes(event)));
      assertThat(Json.tree(request)).isEqualTo(BOUND.valueToTree(request));
      assertThat(Json.readAnswer(Json.write(request), RequestObject.class)).isEqualTo(request);
    }
  }

  private static RequestObject request(Random random) {
    Instant created = instant(random);
    List<Review> reviews = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      reviews.add(
          new Review(
              pick(random, TEXTS),
              random.nextBoolean() ? ReviewDecision.APPROVE : ReviewDecision.DENY,
              pick(random, TEXTS),
              random.nextBoolean() ? null : "d-" + random.nextInt(1000),
              instant(random)));
    }
    return new RequestObject(
        RequestId.of("r-" + Long.toString(random.nextLong() >>> 1, 36)),
        UserName.of("user-" + random.nextInt(100)),
        names(random, "role-").stream().map(RoleName::of).toList(),
        names(random, "node/web-").stream().map(ResourceId::of).toList(),
        pick(random, TEXTS),
        Duration.ofSeconds(random.nextLong(-100_000, 10_000_000), random.nextInt(3) * 500_000_000L),
        RequestState.values()[random.nextInt(RequestState.values().length)],
        created,
        random.nextBoolean() ? null : instant(random),
        random.nextBoolean() ? null : instant(random),
        random.nextBoolean(),
        random.nextBoolean(),
        reviews,
        random.nextLong(0, Long.MAX_VALUE));
  }

  private static List<String> names(Random random, String prefix) {
    List<String> names = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      names.add(prefix + random.nextInt(50));
    }
    return names;
  }

  private static Instant instant(Random random) {
    int nano =
        switch (random.nextInt(3)) {
          case 0 -> 0;
          case 1 -> random.nextInt(1_000_000) * 1_000;
          default -> random.nextInt(1_000_000_000);
        };
    return Instant.ofEpochSecond(random.nextLong(0, 4_102_444_800L), nano);
  }

  private static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static String text(byte[] json) {
    return new String(json, StandardCharsets.UTF_8);
  }
}
