package dev.warden.api.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.api.v1.RequestList;
import dev.warden.api.v1.RequestObject;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Listings read and written one item at a time: what a client makes of partial, broken and odd
 * input, and that neither side needs the whole listing before it hands over the first item.
 */
class ListingStreamTest {

  @Test
  void readListing_handsOverEachItemBeforeReadingTheNext() {
    // The connection breaks after two items: a reader that collects the listing before handing it
    // over would deliver nothing.
    InputStream body =
        new SequenceInputStream(
            stream("{\"items\":[" + json(request(1)) + "," + json(request(2)) + ","),
            new BrokenStream());
    List<RequestObject> seen = new ArrayList<>();

    assertThatThrownBy(() -> Json.readListing(body, RequestObject.class, seen::add))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("connection reset");

    assertThat(seen).containsExactly(request(1), request(2));
  }

  @Test
  void readListing_ofWrittenListing_givesItsItemsInOrderAndItsVersion() throws Exception {
    List<RequestObject> items = List.of(request(1), request(2), request(3));
    byte[] written = Json.write(new RequestList(items, 42));
    List<RequestObject> seen = new ArrayList<>();

    long version =
        Json.readListing(new ByteArrayInputStream(written), RequestObject.class, seen::add);

    assertThat(version).isEqualTo(42);
    assertThat(seen).isEqualTo(items);
  }

  @Test
  void readListing_cutOffMidItem_isMalformedAfterTheWholeItemsBefore() {
    String text = "{\"items\":[" + json(request(1)) + "," + json(request(2));
    List<RequestObject> seen = new ArrayList<>();

    assertThatThrownBy(
            () ->
                Json.readListing(
                    stream(text.substring(0, text.length() - 20)), RequestObject.class, seen::add))
        .isInstanceOfSatisfying(
            JsonInputException.class, e -> assertThat(e.isMalformed()).isTrue());

    assertThat(seen).containsExactly(request(1));
  }

  @Test
  void readListing_endingAfterTheLastItemWithoutItsVersion_isMalformed() {
    String text = "{\"items\":[" + json(request(1)) + "]";

    assertThatThrownBy(() -> Json.readListing(stream(text), RequestObject.class, r -> {}))
        .isInstanceOfSatisfying(
            JsonInputException.class, e -> assertThat(e.isMalformed()).isTrue());
  }

  @Test
  void readListing_withAnItemThatDoesNotFit_namesTheItemAndField() {
    String bad = json(request(2)).replace("\"PENDING\"", "\"MAYBE\"");
    String text = "{\"items\":[" + json(request(1)) + "," + bad + "],\"resourceVersion\":3}";

    assertThatThrownBy(() -> Json.readListing(stream(text), RequestObject.class, r -> {}))
        .isInstanceOfSatisfying(
            JsonInputException.class,
            e -> {
              assertThat(e.isMalformed()).isFalse();
              assertThat(e.errors())
                  .singleElement()
                  .extracting("field")
                  .isEqualTo("items[1].state");
            });
  }

  @Test
  void readListing_withANullItem_refusesIt() {
    String text = "{\"items\":[null],\"resourceVersion\":3}";

    assertThatThrownBy(() -> Json.readListing(stream(text), RequestObject.class, r -> {}))
        .isInstanceOf(JsonInputException.class)
        .hasMessage("items[0]: is null");
  }

  @Test
  void readListing_ofSomethingElse_refusesIt() {
    assertThatThrownBy(() -> Json.readListing(stream("[1,2]"), RequestObject.class, r -> {}))
        .isInstanceOf(JsonInputException.class)
        .hasMessageContaining("expected an object with items and resourceVersion");
    assertThatThrownBy(
            () -> Json.readListing(stream("{\"items\":{}}"), RequestObject.class, r -> {}))
        .isInstanceOf(JsonInputException.class)
        .hasMessage("items: expected a list");
    assertThatThrownBy(
            () ->
                Json.readListing(
                    stream("{\"items\":[],\"resourceVersion\":\"7\"}"),
                    RequestObject.class,
                    r -> {}))
        .isInstanceOf(JsonInputException.class)
        .hasMessage("resourceVersion: expected a whole number");
    assertThatThrownBy(() -> Json.readListing(stream("  "), RequestObject.class, r -> {}))
        .isInstanceOfSatisfying(
            JsonInputException.class, e -> assertThat(e.isMalformed()).isTrue());
  }

  @Test
  void readListing_withTextAfterTheListing_isMalformed() {
    String text = "{\"items\":[],\"resourceVersion\":3} {}";

    assertThatThrownBy(() -> Json.readListing(stream(text), RequestObject.class, r -> {}))
        .isInstanceOfSatisfying(
            JsonInputException.class, e -> assertThat(e.isMalformed()).isTrue());
  }

  @Test
  void readListing_withTwoItemLists_isMalformed() {
    String text = "{\"items\":[],\"items\":[],\"resourceVersion\":3}";

    assertThatThrownBy(() -> Json.readListing(stream(text), RequestObject.class, r -> {}))
        .isInstanceOfSatisfying(
            JsonInputException.class, e -> assertThat(e.isMalformed()).isTrue());
  }

  @Test
  void readListing_toleratesUnknownFieldsAndMissingOnesAsReadAnswerDoes() throws Exception {
    String text =
        "{\"kind\":\"RequestList\",\"extra\":{\"a\":[1,{\"b\":2}]},\"items\":["
            + json(request(1)).replace("{\"id\"", "{\"future\":true,\"id\"")
            + "],\"resourceVersion\":8}";
    List<RequestObject> seen = new ArrayList<>();

    long version = Json.readListing(stream(text), RequestObject.class, seen::add);

    RequestList whole = Json.readAnswer(text.getBytes(StandardCharsets.UTF_8), RequestList.class);
    assertThat(version).isEqualTo(whole.resourceVersion()).isEqualTo(8);
    assertThat(seen).isEqualTo(whole.items());
  }

  @Test
  void readListing_withoutItems_isEmpty_butWithoutItsVersion_isRefused() throws Exception {
    List<RequestObject> seen = new ArrayList<>();

    long version =
        Json.readListing(stream("{\"resourceVersion\":4}"), RequestObject.class, seen::add);

    assertThat(version).isEqualTo(4);
    assertThat(seen).isEmpty();
    assertThatThrownBy(
            () -> Json.readListing(stream("{\"items\":[]}"), RequestObject.class, seen::add))
        .isInstanceOf(JsonInputException.class)
        .hasMessage("resourceVersion: expected a whole number");
  }

  @Test
  void listingWriter_writesWhatJsonWriteMakesOfTheWholeListing() throws Exception {
    List<RequestObject> items = List.of(request(1), request(2));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    try (ListingWriter writer = new ListingWriter(() -> out)) {
      items.forEach(writer::write);
      writer.finish(99);
    }

    assertThat(out.toByteArray()).isEqualTo(Json.write(new RequestList(items, 99)));
  }

  @Test
  void listingWriter_ofAnEmptyListing_writesAnEmptyList() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    try (ListingWriter writer = new ListingWriter(() -> out)) {
      writer.finish(5);
    }

    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("{\"items\":[],\"resourceVersion\":5}");
  }

  @Test
  void listingWriter_opensItsOutputOnlyWithTheFirstItem() throws Exception {
    boolean[] opened = {false};
    ListingWriter writer =
        new ListingWriter(
            () -> {
              opened[0] = true;
              return new ByteArrayOutputStream();
            });

    assertThat(writer.started()).isFalse();
    writer.write(request(1));

    assertThat(opened[0]).isTrue();
    assertThat(writer.started()).isTrue();
  }

  @Test
  void listingWriter_failingPartWay_leavesAListingNoReaderTakesForComplete() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    try (ListingWriter writer = new ListingWriter(() -> out)) {
      writer.write(request(1));
      // The items' source fails here; the writer is closed without finish.
    }

    assertThatThrownBy(
            () ->
                Json.readListing(
                    new ByteArrayInputStream(out.toByteArray()), RequestObject.class, r -> {}))
        .isInstanceOfSatisfying(
            JsonInputException.class, e -> assertThat(e.isMalformed()).isTrue());
  }

  private static RequestObject request(int n) {
    return new RequestObject(
        RequestId.of("r-" + n),
        UserName.of("user-" + n),
        List.of(RoleName.of("prod-db")),
        List.of(),
        "INC-" + n + " debugging",
        Duration.ofHours(1),
        RequestState.PENDING,
        Instant.parse("2026-01-02T03:04:05.123456Z").plusSeconds(n),
        null,
        null,
        false,
        false,
        List.of(),
        n);
  }

  private static String json(RequestObject request) {
    return new String(Json.write(request), StandardCharsets.UTF_8);
  }

  private static InputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A connection that breaks on the next read. */
  private static final class BrokenStream extends InputStream {
    @Override
    public int read() throws IOException {
      throw new IOException("connection reset");
    }
  }
}
