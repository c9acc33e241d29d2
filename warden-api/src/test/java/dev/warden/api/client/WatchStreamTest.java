package dev.warden.api.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.api.json.Json;
import dev.warden.api.v1.RequestObject;
import dev.warden.api.v1.WatchEvent;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reader of a watch stream, fed bytes directly. */
class WatchStreamTest {

  private static final String BOOKMARK =
      "{\"type\":\"BOOKMARK\",\"kind\":null,\"object\":null,\"resourceVersion\":%d}";

  @Test
  void next_linesEndedByLfCrLfOrCr_areEachAnEvent() {
    String text =
        BOOKMARK.formatted(1) + "\r\n" + BOOKMARK.formatted(2) + "\r" + BOOKMARK.formatted(3);

    try (WatchStream stream = open(text.getBytes(StandardCharsets.UTF_8))) {
      assertThat(stream.next()).isEqualTo(new WatchEvent.Bookmark(1));
      assertThat(stream.next()).isEqualTo(new WatchEvent.Bookmark(2));
      assertThat(stream.next()).isEqualTo(new WatchEvent.Bookmark(3));
      assertThatThrownBy(stream::next)
          .isInstanceOf(BrokerUnreachableException.class)
          .hasMessageContaining("ended");
    }
  }

  /**
   * Found by the bad-input fuzzer: a line that never ends was buffered without bound, and a long
   * one was reported, once the idle limit passed, as silence of the broker. The reader now refuses
   * a line past {@link WatchStream#MAX_LINE} as soon as it gets there.
   */
  @Test
  void next_endlessLine_endsTheStreamSayingTheLineIsTooLong() {
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            return 'x';
          }
        };

    try (WatchStream stream = WatchStream.open(endless, 0, Duration.ofSeconds(30))) {
      assertThatThrownBy(stream::next)
          .isInstanceOf(BrokerUnreachableException.class)
          .hasMessageContaining("not an event")
          .hasMessageContaining("longer than " + WatchStream.MAX_LINE);
    }
  }

  /**
   * The reader cuts bytes, not text: a stream handed over a byte at a time, with every kind of line
   * end falling at the end of a read, and lines that are blank as text (form feed, an ideographic
   * space) between the events, reads as the same events.
   */
  @Test
  void next_bytesArrivingOneAtATime_giveTheSameEventsAndSkipBlankLines() {
    String text =
        BOOKMARK.formatted(1)
            + "\r\n\f\r"
            + "\u3000 \t\n"
            + BOOKMARK.formatted(2)
            + "\r"
            + "\n".repeat(3)
            + BOOKMARK.formatted(3)
            + "\n"
            + BOOKMARK.formatted(4);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    InputStream trickle =
        new InputStream() {
          private int next;

          @Override
          public int read() {
            return next < bytes.length ? bytes[next++] & 0xff : -1;
          }

          @Override
          public int read(byte[] into, int offset, int length) {
            if (next == bytes.length) {
              return -1;
            }
            into[offset] = bytes[next++];
            return 1;
          }
        };

    try (WatchStream stream = WatchStream.open(trickle, 0, Duration.ofSeconds(5))) {
      for (int version = 1; version <= 4; version++) {
        assertThat(stream.next()).isEqualTo(new WatchEvent.Bookmark(version));
      }
      assertThatThrownBy(stream::next).hasMessageContaining("ended");
    }
  }

  /** A bad line after others in the same read is reported at its own column, not the buffer's. */
  @Test
  void next_badLineAfterGoodOnes_isReportedAtItsOwnPosition() {
    String text = BOOKMARK.formatted(1) + "\n" + BOOKMARK.formatted(2) + "\n{\"type\": nope}\n";

    try (WatchStream stream = open(text.getBytes(StandardCharsets.UTF_8))) {
      stream.next();
      stream.next();
      assertThatThrownBy(stream::next)
          .isInstanceOf(BrokerUnreachableException.class)
          .hasMessageContaining("not an event")
          .hasMessageContaining("column 10");
    }
  }

  /**
   * Bytes that are not UTF-8 inside an event's string are refused, not replaced: the same event
   * with its reason in UTF-8 is delivered, with a byte that no UTF-8 text has it ends the stream.
   */
  @Test
  void next_invalidUtf8InAnEvent_endsTheStreamSayingItIsNoEvent() {
    byte[] good = eventWithReason("caf\u00e9").getBytes(StandardCharsets.UTF_8);
    byte[] bad = eventWithReason("caf\u00ff").getBytes(StandardCharsets.ISO_8859_1);
    byte[] body = Arrays.copyOf(good, good.length + bad.length);
    System.arraycopy(bad, 0, body, good.length, bad.length);

    try (WatchStream stream = open(body)) {
      WatchEvent first = stream.next();
      assertThat(first).isInstanceOf(WatchEvent.RequestChange.class);
      assertThat(((WatchEvent.RequestChange) first).object().reason()).isEqualTo("caf\u00e9");
      assertThatThrownBy(stream::next)
          .isInstanceOf(BrokerUnreachableException.class)
          .hasMessageContaining("not an event");
    }
  }

  private static String eventWithReason(String reason) {
    RequestObject request =
        new RequestObject(
            RequestId.of("r-1"),
            UserName.of("alice"),
            List.of(RoleName.of("prod-db")),
            List.of(),
            reason,
            Duration.ofHours(1),
            RequestState.PENDING,
            Instant.parse("2026-01-02T03:04:05Z"),
            null,
            null,
            false,
            false,
            List.of(),
            7);
    String line =
        new String(
            Json.write(new WatchEvent.RequestChange(WatchEvent.ChangeType.ADDED, request, 7)),
            StandardCharsets.UTF_8);
    return line + "\n";
  }

  private static WatchStream open(byte[] body) {
    return WatchStream.open(new ByteArrayInputStream(body), 0, Duration.ofSeconds(5));
  }
}
