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
import java.util.Random;
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

  @Test
  void forEach_linesInEveryShape_readAsTheGeneralParserReadsThem() throws Exception {
    // Plain lines, lines the plain reader leaves to the general parser (spaces, escapes, text
    // outside ASCII, a fraction, an array of objects), names met before and names met first
    // there, and odd but valid values.
    String lines =
        String.join(
            "\n",
            request("r-1", 1),
            request("r-2", 2).replace("\"alice\"", "\"bob\""),
            request("r-3", 3).replace(",\"roles\"", ", \"roles\""),
            request("r-4", 4).replace("ticket 12 on call", "caf\\u00e9 ticket 12 on call"),
            request("r-5", 5).replace("ticket 12 on call", "café ticket 12 on call"),
            request("r-6", 6).replace("\"expires\":null", "\"expires\":1.5"),
            request("r-7", 7).replace("\"dev-db\"", "\"dev-db\",\"prod-db\",\"a\",\"b\""),
            request("r-8", 8).replace("\"resources\":[]", "\"resources\":\"none\""),
            request("r-9", 9).replace("\"state\":\"PENDING\"", "\"reviews\":[{\"by\":\"x\"}]"),
            request("r-10", 10).replace("\"ttl\":\"PT1H\"", "\"ttl\":\"PT1H\",\"ttl\":\"PT2H\""),
            request("r-11", 11).replace("00Z", "00.125Z").replace("\"bob\"", "\"carol\""),
            request("r-12", 12).replace("00Z", "00+01:00"),
            request("r-13", 13).replace("\"reason\":\"ticket 12 on call\"", "\"reason\":null"),
            request("r-14", 14).replace("\"alice\"", "\"carol\""));
    Path plain = write(lines + "\r\n\r\n" + request("r-15", 15) + "\r" + request("r-16", 16));
    // A space before the first object leaves the whole file to the general parser.
    Path general = dir.resolve("general.jsonl");
    Files.writeString(general, " " + Files.readString(plain), StandardCharsets.UTF_8);

    List<RecordedRequest> read = new ArrayList<>();
    History.open(plain).forEach(read::add);
    List<RecordedRequest> parsed = new ArrayList<>();
    History.open(general).forEach(parsed::add);

    assertThat(read).hasSize(16).isEqualTo(parsed);
    assertThat(read.get(4).request().reason()).isEqualTo("café ticket 12 on call");
    assertThat(read.get(6).request().roles()).hasSize(4);
    assertThat(read.get(9).request().ttl()).hasToString("PT2H");
  }

  @Test
  void forEach_brokenLineAfterPlainOnes_isReportedAsTheGeneralParserReportsIt() throws Exception {
    String lines =
        request("r-1", 1) + "\n\n" + request("r-2", 2) + "\r\n" + "{\"id\":\"r-3\",\"user\":}\n";
    Path plain = write(lines);
    Path general = dir.resolve("general.jsonl");
    Files.writeString(general, " " + lines, StandardCharsets.UTF_8);

    UserError fromPlain = assertThrows(UserError.class, () -> History.open(plain).forEach(r -> {}));
    UserError fromGeneral =
        assertThrows(UserError.class, () -> History.open(general).forEach(r -> {}));

    assertThat(fromPlain).hasMessageStartingWith(plain + ":4: not a request object:");
    assertThat(fromPlain.getMessage().substring(plain.toString().length()))
        .isEqualTo(fromGeneral.getMessage().substring(general.toString().length()))
        .contains("line: 4, column: 20");
  }

  @Test
  void forEach_anInvalidNameOnAPlainLine_isRefusedNamingTheLine() throws Exception {
    Path file =
        write(request("r-1", 1) + "\n" + request("r-2", 2).replace("\"alice\"", "\"-x\"") + "\n");

    History history = History.open(file);

    assertThatThrownBy(() -> history.forEach(r -> {}))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith(file + ":2: not a request object: user name '-x'");
  }

  @Test
  void forEach_mutatedLines_readTheSameByHandAsByTheGeneralParser() throws Exception {
    // Lines 2 to 5 are broken at random, a byte at a time; whatever comes of it, requests or an
    // error, must be the same when the general parser reads the whole file. Line 1 stays plain in
    // one file and starts with a space in the other, which leaves all of that one to the parser.
    Random random = new Random(7);
    String[] inserts = {" ", "\"", "\\", ",", "{", "}", "[", "]", ":", "a", "1", "\r", "\n", "é"};
    for (int round = 0; round < 300; round++) {
      List<String> lines = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        lines.add(request("r-" + i, i).replace("alice", "user-" + random.nextInt(3)));
      }
      int target = 1 + random.nextInt(4);
      StringBuilder line = new StringBuilder(lines.get(target));
      int at = random.nextInt(line.length());
      switch (random.nextInt(3)) {
        case 0 -> line.insert(at, inserts[random.nextInt(inserts.length)]);
        case 1 -> line.deleteCharAt(at);
        default -> line.setCharAt(at, inserts[random.nextInt(inserts.length)].charAt(0));
      }
      lines.set(target, line.toString());
      String text = String.join("\n", lines) + "\n";
      Path plain = dir.resolve("plain-" + round + ".jsonl");
      Files.writeString(plain, text, StandardCharsets.UTF_8);
      Path general = dir.resolve("general-" + round + ".jsonl");
      Files.writeString(general, " " + text, StandardCharsets.UTF_8);

      assertThat(outcome(plain)).as(text).isEqualTo(outcome(general));
    }
  }

  /** The requests a history gives, or the message it is refused with, without the file name. */
  private static Object outcome(Path file) {
    try {
      List<RecordedRequest> read = new ArrayList<>();
      History.open(file).forEach(read::add);
      return read;
    } catch (UserError e) {
      return e.getMessage().replace(file.toString(), "FILE");
    }
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
