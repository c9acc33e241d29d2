package dev.warden.broker.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.core.access.Lock;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.catalog.UserName;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LockIndexTest {

  private static final LockTarget ALICE = new LockTarget.User(UserName.of("alice"));
  private static final LockTarget GRANT = new LockTarget.Request(RequestId.of("r-1"));

  @Test
  void on_returnsOnlyTheLocksNamingThatTarget() {
    LockIndex index = new LockIndex();
    index.put(lock("a", ALICE, null));
    index.put(lock("b", GRANT, null));

    assertThat(index.on(ALICE)).extracting(l -> l.id().value()).containsExactly("a");
    assertThat(index.on(GRANT)).extracting(l -> l.id().value()).containsExactly("b");
    assertThat(index.on(new LockTarget.User(UserName.of("bob")))).isEmpty();
  }

  @Test
  void put_withAnExistingId_replacesThatLock() {
    LockIndex index = new LockIndex();
    index.put(lock("a", ALICE, null));
    Instant later = Instant.parse("2030-01-01T00:00:00Z");

    index.put(lock("a", ALICE, later));

    assertThat(index.on(ALICE)).singleElement().extracting(Lock::expires).isEqualTo(later);
  }

  @Test
  void remove_dropsTheLockAndLeavesOthers() {
    LockIndex index = new LockIndex();
    Lock first = lock("a", ALICE, null);
    index.put(first);
    index.put(lock("c", ALICE, null));

    index.remove(first);

    assertThat(index.on(ALICE)).extracting(l -> l.id().value()).containsExactly("c");
  }

  private static Lock lock(String id, LockTarget target, Instant expires) {
    return new Lock(LockId.of(id), target, "test", expires);
  }
}
