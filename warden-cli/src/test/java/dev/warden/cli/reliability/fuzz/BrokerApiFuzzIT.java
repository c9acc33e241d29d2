package dev.warden.cli.reliability.fuzz;

import net.jqwik.api.Example;
import org.jspecify.annotations.Nullable;

/**
 * Bad input for the broker's API: a real broker in this process, over real mTLS, sent mutated valid
 * calls (bodies with fields deleted, duplicated and retyped, huge strings and bodies, deep nesting,
 * invalid UTF-8, wrong content types and methods) and random paths and query parameters. No answer
 * may be a 5xx, every 4xx must be a problem detail with the documented members, every request must
 * get an answer, the broker must log no unexpected failure, and it must still serve a valid request
 * every {@value #CHECK_EVERY} inputs and at the end. About 20 s in CI, after the broker has
 * started; {@code -Dreliability.minutes=N} runs it about N minutes.
 */
class BrokerApiFuzzIT {

  private static final int CHECK_EVERY = 100;
  static final java.util.Map<String, Long> TIMES = new java.util.HashMap<>();
  static final java.util.Map<String, Long> NS = new java.util.HashMap<>();

  @Example
  void mutatedCalls_getAnAnswerAndNeverA5xx() throws Exception {
    long t0 = System.nanoTime();
    String csr = HttpInputs.signingRequest("dave");
    try (BrokerApiTarget broker = BrokerApiTarget.start()) {
      System.out.println("SETUP " + (System.nanoTime() - t0) / 1_000_000 + " ms");
      FuzzRun run =
          FuzzRun.start(
              "fuzz-broker-api",
              "5xx",
              "not-problem",
              "no-answer",
              "bad-answer",
              "uncaught",
              "unserved");
      HttpInputs inputs = new HttpInputs(run, broker.requestIds(), csr);
      long sent = 0;
      while (run.more()) {
        HttpInput input = inputs.next();
        long t1 = System.nanoTime();
        BrokerApiTarget.Verdict verdict = broker.check(input);
        long ms = (System.nanoTime() - t1) / 1_000_000;
        String key =
            input.method()
                + " "
                + input.target().replaceAll("\\?.*", "").replaceAll("r-[a-z0-9]+", "ID")
                + " "
                + input.identity()
                + " "
                + (input.body().length > 60000 ? "huge" : "");
        TIMES.merge(key, ms, Long::sum);
        NS.merge(key, 1L, Long::sum);
        run.counted(verdict.accepted());
        if (verdict.violation() != null) {
          run.failed(verdict.kind(), verdict.violation(), input.toCorpus(), "http");
        }
        for (String logged : broker.takeLogged()) {
          run.failed("uncaught", "the broker logged " + logged, input.toCorpus(), "http");
        }
        if (++sent % CHECK_EVERY == 0) {
          stillServes(run, broker, input);
        }
      }
      stillServes(run, broker, null);
      TIMES.entrySet().stream()
          .sorted(java.util.Map.Entry.comparingByValue(java.util.Comparator.reverseOrder()))
          .limit(15)
          .forEach(
              e ->
                  System.out.println(
                      "TIME " + e.getValue() + " ms / " + NS.get(e.getKey()) + " " + e.getKey()));
      run.finish();
    }
  }

  private static void stillServes(FuzzRun run, BrokerApiTarget broker, @Nullable HttpInput last) {
    String failure = broker.stillServes();
    if (failure != null) {
      byte[] input = last == null ? new byte[0] : last.toCorpus();
      run.failed("unserved", "after the inputs so far: " + failure, input, "http");
    }
  }
}
