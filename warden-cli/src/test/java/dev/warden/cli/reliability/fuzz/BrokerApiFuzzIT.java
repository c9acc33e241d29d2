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

  @Example
  void mutatedCalls_getAnAnswerAndNeverA5xx() throws Exception {
    String csr = HttpInputs.signingRequest("dave");
    try (BrokerApiTarget broker = BrokerApiTarget.start()) {
      FuzzRun run =
          FuzzRun.start(
              "fuzz-broker-api",
              "5xx",
              "not-problem",
              "no-answer",
              "bad-answer",
              "uncaught",
              "unserved",
              "cut-off");
      HttpInputs inputs = new HttpInputs(run, broker.requestIds(), csr);
      long sent = 0;
      while (run.more()) {
        HttpInput input = inputs.next();
        BrokerApiTarget.Verdict verdict = broker.check(input);
        run.counted(verdict.accepted());
        if (verdict.violation() != null) {
          run.failed(verdict.kind(), verdict.violation(), input.toCorpus(), "http");
        } else if (verdict.kind() != null) {
          run.count(verdict.kind());
        }
        for (String logged : broker.takeLogged()) {
          run.failed("uncaught", "the broker logged " + logged, input.toCorpus(), "http");
        }
        if (++sent % CHECK_EVERY == 0) {
          stillServes(run, broker, input);
        }
      }
      stillServes(run, broker, null);
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
