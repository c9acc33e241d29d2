package dev.warden.cli.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays the bad-input corpus on every build: each file under {@code
 * src/test/resources/fuzz-corpus/<target>/} is an input that once broke an invariant of its target
 * (or an input worth keeping), and must now keep every invariant the fuzzer checks. A file's name
 * says what it once broke; the production fix it guards is named in docs/reliability.md ("Bad
 * input").
 */
class FuzzCorpusTest {

  private static BrokerApiTarget broker;
  private static WatchStreamTarget watch;
  private static LoaderCheck loaders;

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
    if (watch != null) {
      watch.close();
    }
    if (loaders != null) {
      loaders.close();
    }
  }

  @Test
  void everyTarget_hasACorpus() {
    for (String target : List.of("policy-loader", "catalog-loader", "broker-api", "watch-stream")) {
      assertThat(Seeds.corpusFiles(target)).as(target).isNotEmpty();
    }
  }

  @TestFactory
  Stream<DynamicTest> policyLoaderCorpus() {
    return replay("policy-loader", file -> loaders().policy(Seeds.readBytes(file)).violation());
  }

  @TestFactory
  Stream<DynamicTest> catalogLoaderCorpus() {
    return replay("catalog-loader", file -> loaders().catalog(Seeds.readBytes(file)).violation());
  }

  @TestFactory
  Stream<DynamicTest> brokerApiCorpus() {
    return replay(
        "broker-api",
        file -> {
          BrokerApiTarget target = broker();
          BrokerApiTarget.Verdict verdict =
              target.check(HttpInput.fromCorpus(Seeds.readBytes(file)));
          List<String> logged = target.takeLogged();
          if (verdict.violation() != null) {
            return verdict.violation();
          }
          if (!logged.isEmpty()) {
            return "the broker logged " + logged;
          }
          return target.stillServes();
        });
  }

  @TestFactory
  Stream<DynamicTest> watchStreamCorpus() {
    return replay(
        "watch-stream",
        file ->
            watch().check(WatchStreamTarget.Script.fromCorpus(Seeds.readBytes(file))).violation());
  }

  /** One test per corpus file; {@code check} returns the broken invariant, or null. */
  private static Stream<DynamicTest> replay(String target, Check check) {
    return Seeds.corpusFiles(target).stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    target + "/" + file.getFileName(),
                    () -> assertThat(check.violation(file)).as(file.toString()).isNull()));
  }

  @FunctionalInterface
  private interface Check {
    String violation(Path file) throws Exception;
  }

  private static LoaderCheck loaders() throws Exception {
    if (loaders == null) {
      loaders = new LoaderCheck(Seeds.exampleCatalog(), Seeds.examplePolicy());
    }
    return loaders;
  }

  private static BrokerApiTarget broker() throws Exception {
    if (broker == null) {
      broker = BrokerApiTarget.start();
    }
    return broker;
  }

  private static WatchStreamTarget watch() throws Exception {
    if (watch == null) {
      watch = WatchStreamTarget.start();
    }
    return watch;
  }
}
