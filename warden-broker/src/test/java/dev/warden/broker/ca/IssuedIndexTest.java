package dev.warden.broker.ca;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The issued index: both line formats, deletions, and lines appended by another process. */
class IssuedIndexTest {

  @TempDir Path dir;

  @Test
  void linesOfTheFirstFormat_readWithKindFromRolesAndDefaultTtl() throws Exception {
    append(
        "a1\twatcher\twatcher\t2030-01-01T00:00:00Z", "b2\talice\trequester\t2030-01-01T00:00:00Z");
    IssuedIndex index = new IssuedIndex(dir);

    IssuedIndex.Entry watcher = index.find(new BigInteger("a1", 16)).orElseThrow();
    IssuedIndex.Entry alice = index.find(new BigInteger("b2", 16)).orElseThrow();

    assertThat(watcher.kind()).isEqualTo(IdentityKind.BOT);
    assertThat(watcher.issued()).isNull();
    assertThat(watcher.ttl()).isEqualTo(Duration.ofHours(1));
    assertThat(alice.kind()).isEqualTo(IdentityKind.HUMAN);
    assertThat(alice.ttl()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void record_writesKindIssueTimeAndRenewal_andReadsBack() throws Exception {
    IssuedIndex index = new IssuedIndex(dir);
    Instant issued = Instant.parse("2030-01-01T00:00:00Z");

    index.record(
        BigInteger.TEN,
        "bot-1",
        List.of("watcher"),
        IdentityKind.BOT,
        issued,
        issued.plusSeconds(20),
        "ff");
    IssuedIndex.Entry read = new IssuedIndex(dir).find(BigInteger.TEN).orElseThrow();

    assertThat(read.kind()).isEqualTo(IdentityKind.BOT);
    assertThat(read.ttl()).isEqualTo(Duration.ofSeconds(20));
    assertThat(read.renewedFrom()).isEqualTo("ff");
    assertThat(Files.readString(dir.resolve(IssuedIndex.FILE)))
        .isEqualTo("a\tbot-1\twatcher\t2030-01-01T00:00:20Z\tbot\t2030-01-01T00:00:00Z\tff\n");
  }

  @Test
  void deletion_voidsEarlierCertificatesOnly_andIsCounted() throws Exception {
    append(
        "a1\tbot\twatcher\t2030-01-01T00:00:00Z",
        "deleted\tbot\t2029-06-01T00:00:00Z",
        "b2\tbot\twatcher\t2030-01-01T00:00:00Z");
    IssuedIndex index = new IssuedIndex(dir);

    List<IssuedIndex.Entry> all = index.all();

    assertThat(all).extracting(IssuedIndex.Entry::serial).containsExactly("a1", "b2");
    assertThat(all.get(0).deleted()).isEqualTo(Instant.parse("2029-06-01T00:00:00Z"));
    assertThat(all.get(1).deleted()).isNull();
    assertThat(index.deletions()).isEqualTo(1);
  }

  @Test
  void find_picksUpLinesAppendedSince_butNotAHalfWrittenOne() throws Exception {
    IssuedIndex index = new IssuedIndex(dir);
    append("a1\tbot\twatcher\t2030-01-01T00:00:00Z");
    assertThat(index.find(new BigInteger("a1", 16))).isPresent();

    Files.writeString(
        dir.resolve(IssuedIndex.FILE),
        "b2\tbot\twatcher\t2030-01-",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    boolean halfSeen = index.find(new BigInteger("b2", 16)).isPresent();
    Files.writeString(
        dir.resolve(IssuedIndex.FILE),
        "01T00:00:00Z\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    boolean wholeSeen = index.find(new BigInteger("b2", 16)).isPresent();

    assertThat(halfSeen).isFalse();
    assertThat(wholeSeen).isTrue();
  }

  @Test
  void malformedLine_isSkipped_andTheRestRead() throws Exception {
    append(
        "zz\tnot enough", "a1\tbot\twatcher\tnot-a-time", "b2\tbot\twatcher\t2030-01-01T00:00:00Z");
    IssuedIndex index = new IssuedIndex(dir);

    List<IssuedIndex.Entry> all = index.all();

    assertThat(all).extracting(IssuedIndex.Entry::serial).containsExactly("b2");
  }

  private void append(String... lines) throws Exception {
    Files.writeString(
        dir.resolve(IssuedIndex.FILE),
        String.join("\n", lines) + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
