package dev.warden.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.api.client.BrokerClient;
import dev.warden.api.client.WatchStream;
import dev.warden.broker.BrokerConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A watch on a quiet broker must answer at once. Regression: the HTTP server held the response
 * headers back until the first body bytes, so with nothing changing the client saw its 200 only
 * with the first bookmark, ten seconds later, and a client whose call timeout is shorter than that
 * (the watcher's is exactly ten seconds) gave up before the stream ever opened.
 */
class WatchOpeningTest {

  @Test
  void watch_onQuietBroker_opensWellBeforeTheFirstBookmark() {
    try (TestBroker broker =
        TestBroker.start(c -> c.withBookmarkInterval(BrokerConfig.DEFAULT_BOOKMARK_INTERVAL))) {
      BrokerClient admin = broker.client("root", "admin").withTimeout(Duration.ofSeconds(3));
      long version = admin.listRequests().resourceVersion();
      long started = System.nanoTime();

      try (WatchStream stream = admin.watch(version)) {
        Duration opened = Duration.ofNanos(System.nanoTime() - started);

        assertThat(opened).isLessThan(Duration.ofSeconds(3));
        assertThat(stream.resourceVersion()).isEqualTo(version);
      }
    }
  }
}
