package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.warden.core.replay.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a history file is framed: one JSON object a line, read by one streaming parser for the whole
 * file. Line numbers in messages must be the ones an editor shows, whatever the line endings.
 */
class HistoryTest {

  @TempDir Path dir;

  @Test
  void forEach_blankLinesAndMixedLineEndings_readsEveryRequestAndCountsLinesAsAnEditorDoes()
      throws Exception {
    // Lines 1 to 5: r-1, an empty line, r-2, a line of spaces, r-3 (created before r-2).
    Path file =
        write(
            request("r-1", 1)
                + "\r\n\r\n"
                + request("r-2", 2)
                + "\r  \n"
                + request("r-3", 1)
                + "\n");

    History history = History.open(file);
    List<String> ids = new ArrayList<>();
    history.forEach(r -> ids.add(r.request().id().value()));
    UserError outOfOrder = assertThrows(UserError.class, () -> history.forEach(new InOrder()));

    assertThat(history.kind()).isEqualTo(History.Kind.EXPORT);
    assertThat(ids).containsExactly("r-1", "r-2", "r-3");
    assertThat(outOfOrder).hasMessageStartingWith(file + ":5: request r-3");
  }

  @Test
  void forEach_anObjectOverTwoLines_isRefusedNamingTheLineItStartsOn() throws Exception {
    String split = request("r-2", 2).replace(",\"roles\"", ",\n\"roles\"");
    Path file = write(request("r-1", 1) + "\n" + split + "\n");

    History history = History.open(file);

    assertThatThrownBy(() -> history.forEach(r -> {}))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith(file + ":2: not a request object:")
        .hasMessageContaining("does not end on the line it starts on");
  }

  @Test
  void forEach_twoObjectsOnALine_isRefusedNamingTheLine() throws Exception {
    Path file = write(request("r-1", 1) + "\n" + request("r-2", 2) + request("r-3", 3) + "\n");

    History history = History.open(file);

    assertThatThrownBy(() -> history.forEach(r -> {}))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith(file + ":2: not a request object:")
        .hasMessageContaining("more than one JSON value");
  }

  @Test
  void forEach_brokenJson_namesTheLineOfTheError() throws Exception {
    Path file = write(request("r-1", 1) + "\n\n" + "{\"id\": \"r-2\", \"user\": }\n");

    History history = History.open(file);

    assertThatThrownBy(() -> history.forEach(r -> {}))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith(file + ":3: not a request object:");
  }

  /** Refuses a request created before the one before it, as a replay does. */
  private static final class InOrder implements Consumer<RecordedRequest> {
    private @Nullable Instant last;

    @Override
    public void accept(RecordedRequest request) {
      if (last != null && request.at().isBefore(last)) {
        throw new IllegalArgumentException("request " + request.request().id() + " is early");
      }
      last = request.at();
    }
  }

  private Path write(String text) throws Exception {
    Path file = dir.resolve("history.jsonl");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  /** An export line, created {@code minute} minutes into the day. */
  private static String request(String id, int minute) {
    return ("{\"id\":\"%s\",\"user\":\"alice\",\"roles\":[\"dev-db\"],\"resources\":[],"
            + "\"reason\":\"ticket 12 on call\",\"ttl\":\"PT1H\",\"state\":\"PENDING\","
            + "\"created\":\"2026-01-01T00:%02d:00Z\",\"approved\":null,\"expires\":null}")
        .formatted(id, minute);
  }
}
