package dev.warden.api.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.api.v1.WatchEvent;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

  private static WatchStream open(byte[] body) {
    return WatchStream.open(new ByteArrayInputStream(body), 0, Duration.ofSeconds(5));
  }
}
