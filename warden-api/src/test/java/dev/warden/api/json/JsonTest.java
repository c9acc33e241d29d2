package dev.warden.api.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.warden.api.v1.LockObject;
import dev.warden.api.v1.NewLock;
import dev.warden.api.v1.NewRequest;
import dev.warden.api.v1.Problem.FieldError;
import dev.warden.api.v1.WatchEvent;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.catalog.UserName;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readBody_whenSeveralUnknownFields_namesEveryOne() {
    byte[] body = utf8("{\"reason\":\"r\",\"colour\":1,\"target\":{\"user\":\"a\"},\"size\":2}");

    JsonInputException e =
        assertThrows(JsonInputException.class, () -> Json.readBody(body, NewRequest.class));

    assertThat(e.errors())
        .extracting(FieldError::field)
        .containsExactly("colour", "target", "size");
  }

  @Test
  void readBody_whenMalformed_reportsLineAndColumn() {
    JsonInputException e =
        assertThrows(
            JsonInputException.class,
            () -> Json.readBody(utf8("{\n \"reason\": \"r\"\n \"roles\": []}"), NewRequest.class));

    assertThat(e.isMalformed()).isTrue();
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.column()).isPositive();
  }

  @Test
  void readBody_whenLockTargetHasTwoKinds_namesTheTarget() {
    byte[] body = utf8("{\"target\":{\"user\":\"a\",\"role\":\"b\"}}");

    JsonInputException e =
        assertThrows(JsonInputException.class, () -> Json.readBody(body, NewLock.class));

    assertThat(e.errors()).extracting(FieldError::field).containsExactly("target");
  }

  @Test
  void watchEvent_roundTripsThroughItsWireForm() throws Exception {
    WatchEvent event =
        new WatchEvent.LockChange(
            WatchEvent.ChangeType.DELETED,
            new LockObject(
                LockId.of("warden-1"),
                new LockTarget.User(UserName.of("alice")),
                "m",
                null,
                true,
                7),
            7);

    String line = new String(Json.write(event), StandardCharsets.UTF_8);
    WatchEvent read = Json.readAnswer(line, WatchEvent.class);

    assertThat(line)
        .contains("\"type\":\"DELETED\"", "\"kind\":\"lock\"", "\"target\":{\"user\":\"alice\"}");
    assertThat(read).isEqualTo(event);
    assertThat(
            Json.readAnswer(
                "{\"type\":\"BOOKMARK\",\"kind\":null,\"object\":null," + "\"resourceVersion\":9}",
                WatchEvent.class))
        .isEqualTo(new WatchEvent.Bookmark(9));
  }
}
