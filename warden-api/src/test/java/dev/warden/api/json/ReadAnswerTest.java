package dev.warden.api.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.WatchEvent;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Answers and watch events as a client reads them, in one pass from the bytes. */
class ReadAnswerTest {

  private static final RequestObject REQUEST =
      new RequestObject(
          RequestId.of("r-1"),
          UserName.of("alice"),
          List.of(RoleName.of("prod-db")),
          List.of(),
          "INC-42 debugging",
          Duration.ofHours(1),
          RequestState.PENDING,
          Instant.parse("2026-01-02T03:04:05.123456Z"),
          null,
          null,
          false,
          false,
          List.of(),
          7);

  @Test
  void readAnswer_ofWrittenRequestChange_givesTheSameEvent() throws Exception {
    WatchEvent event = new WatchEvent.RequestChange(WatchEvent.ChangeType.ADDED, REQUEST, 7);

    WatchEvent read = Json.readAnswer(Json.write(event), WatchEvent.class);

    assertThat(read).isEqualTo(event);
  }

  @Test
  void readAnswer_ofLockChange_givesTheLock() throws Exception {
    LockObject lock =
        new LockObject(
            LockId.of("warden-x-r-1"),
            new LockTarget.Request(RequestId.of("r-1")),
            "too much",
            null,
            true,
            9);
    WatchEvent event = new WatchEvent.LockChange(WatchEvent.ChangeType.DELETED, lock, 9);

    WatchEvent read = Json.readAnswer(Json.write(event), WatchEvent.class);

    assertThat(read).isEqualTo(event);
  }

  @Test
  void readAnswer_whenObjectComesBeforeKind_stillBindsIt() throws Exception {
    String object = new String(Json.write(REQUEST), StandardCharsets.UTF_8);
    String line =
        "{\"object\":"
            + object
            + ",\"resourceVersion\":7,\"kind\":\"request\",\"type\":\"MODIFIED\"}";

    WatchEvent read = Json.readAnswer(line, WatchEvent.class);

    assertThat(read)
        .isEqualTo(new WatchEvent.RequestChange(WatchEvent.ChangeType.MODIFIED, REQUEST, 7));
  }

  @Test
  void readAnswer_ofBookmark_givesItsVersion() throws Exception {
    String line = "{\"type\":\"BOOKMARK\",\"kind\":null,\"object\":null,\"resourceVersion\":42}";

    WatchEvent read = Json.readAnswer(line, WatchEvent.class);

    assertThat(read).isEqualTo(new WatchEvent.Bookmark(42));
  }

  @Test
  void readAnswer_whenEventHasUnknownField_namesIt() {
    String line = "{\"type\":\"BOOKMARK\",\"resourceVersion\":1,\"extra\":true}";

    assertThatThrownBy(() -> Json.readAnswer(line, WatchEvent.class))
        .isInstanceOf(JsonInputException.class)
        .hasMessageContaining("unknown field 'extra'");
  }

  @Test
  void readAnswer_whenEventLacksVersion_saysSo() {
    String line = "{\"type\":\"BOOKMARK\"}";

    assertThatThrownBy(() -> Json.readAnswer(line, WatchEvent.class))
        .isInstanceOf(JsonInputException.class)
        .hasMessageContaining("resourceVersion is missing");
  }

  @Test
  void readAnswer_whenKindIsUnknown_namesIt() {
    String line = "{\"type\":\"ADDED\",\"kind\":\"grant\",\"object\":{},\"resourceVersion\":3}";

    assertThatThrownBy(() -> Json.readAnswer(line, WatchEvent.class))
        .isInstanceOf(JsonInputException.class)
        .hasMessageContaining("kind 'grant' is not request or lock");
  }

  @Test
  void readAnswer_ofEmptyBody_saysItIsEmpty() {
    assertThatThrownBy(
            () -> Json.readAnswer(" \n".getBytes(StandardCharsets.UTF_8), RequestObject.class))
        .isInstanceOf(JsonInputException.class)
        .hasMessageContaining("the body is empty");
  }

  @Test
  void readAnswer_ofMalformedText_givesItsPosition() {
    byte[] body = "{\n  \"id\": \"r-1\",,\n}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Json.readAnswer(body, RequestObject.class))
        .isInstanceOf(JsonInputException.class)
        .hasMessageContaining("2");
  }

  @Test
  void readAnswer_whenFieldHasUnknownValue_namesTheField() {
    String object = new String(Json.write(REQUEST), StandardCharsets.UTF_8);
    byte[] body =
        object
            .replace("\"state\":\"PENDING\"", "\"state\":\"ASLEEP\"")
            .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Json.readAnswer(body, RequestObject.class))
        .isInstanceOf(JsonInputException.class)
        .hasMessageContaining("state");
  }

  @Test
  void readAnswer_toleratesFieldsItDoesNotKnow() throws Exception {
    String object = new String(Json.write(REQUEST), StandardCharsets.UTF_8);
    byte[] body =
        object.replace("{\"id\"", "{\"future\":1,\"id\"").getBytes(StandardCharsets.UTF_8);

    RequestObject read = Json.readAnswer(body, RequestObject.class);

    assertThat(read).isEqualTo(REQUEST);
  }
}
