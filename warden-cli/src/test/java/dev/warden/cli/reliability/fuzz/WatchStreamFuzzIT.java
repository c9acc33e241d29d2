package dev.warden.cli.reliability.fuzz;

import dev.warden.api.json.Json;
import dev.warden.api.v1.WatchEvent;
import net.jqwik.api.Example;

/**
 * Bad input for the watch stream reader, the client side of {@code GET /v1/watch} that the
 * watcher's change source follows: a stand-in broker on a real TLS socket plays mutated, truncated,
 * split and stalled event streams and error answers. Every line that is an event must be delivered
 * as it parses, the first that is not must end the stream with an error saying so, the end and
 * silence must be reported promptly, and nothing else may be thrown, on any thread. About 20 s in
 * CI; {@code -Dreliability.minutes=N} runs it about N minutes.
 */
class WatchStreamFuzzIT {

  @Example
  void mutatedStreams_areReadOrRefusedWithAClearError() throws Exception {
    for (String event : WatchScripts.EVENTS) {
      Json.readAnswer(event, WatchEvent.class);
    }
    try (WatchStreamTarget target = WatchStreamTarget.start()) {
      FuzzRun run =
          FuzzRun.start("fuzz-watch-stream", "uncaught", "misread", "unclear", "hang", "too-many");
      while (run.more()) {
        WatchStreamTarget.Script script = WatchScripts.next(run);
        WatchStreamTarget.Verdict verdict = target.check(script);
        run.counted(verdict.accepted());
        if (verdict.violation() != null) {
          run.failed(verdict.kind(), verdict.violation(), script.toCorpus(), "watch");
        }
      }
      run.finish();
    }
  }
}
