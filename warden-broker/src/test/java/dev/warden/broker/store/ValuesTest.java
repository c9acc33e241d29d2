package dev.warden.broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.core.catalog.UserName;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void requestIds_areR_dashAnd20Base32CharactersAndDoNotRepeat() {
    RequestIds ids = new RequestIds();
    Set<String> seen = new HashSet<>();

    for (int i = 0; i < 10_000; i++) {
      String id = ids.next().value();

      assertThat(id).matches("r-[a-z2-7]{20}");
      assertThat(seen.add(id)).as("id %s repeated", id).isTrue();
    }
  }

  @Test
  void actor_withUnsafeName_failsNamingTheField() {
    assertThatThrownBy(() -> new Actor("alice smith", "01"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("actor name 'alice smith'");
  }

  @Test
  void actor_withOverlongSerial_failsNamingTheLimit() {
    assertThatThrownBy(() -> new Actor("alice", "a".repeat(129)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("129 characters long; the limit is 128");
  }

  @Test
  void newRequest_withZeroTtl_failsNamingTheUser() {
    assertThatThrownBy(
            () -> new NewRequest(UserName.of("alice"), List.of(), List.of(), "r", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ttl of a request by alice must be positive");
  }

  @Test
  void newReview_withUnsafeDecisionId_fails() {
    assertThatThrownBy(() -> NewReview.approve("ok", "has space", Fixtures.CATALOG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("decision id 'has space'");
  }
}
