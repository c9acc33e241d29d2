package dev.warden.broker.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.broker.store.BrokerStore;
import dev.warden.broker.store.BrokerStores;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeFeedTest {

  @TempDir Path dir;

  @Test
  void after_aVersionAtTheTopOfTheRange_returnsNothingInsteadOfOverflowing() throws Exception {
    try (BrokerStore store = BrokerStores.open(null, dir);
        ChangeFeed feed = ChangeFeed.start(store)) {

      // A watch asked for resourceVersion=9223372036854775807 once made the ring index negative.
      assertThat(feed.after(Long.MAX_VALUE, 10)).isEmpty();
      assertThat(feed.after(feed.head(), 10)).isEmpty();
    }
  }
}
