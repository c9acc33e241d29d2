package dev.warden.cli.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.api.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the end-to-end latency goes, split at the two points every process records a time for.
 *
 * <ul>
 *   <li>{@code toIntent}: from the request's creation on the broker to the watcher's intent record
 *       for the decision (the event's delivery, the watcher's queue, the decision itself);
 *   <li>{@code toReview}: from the intent record to the time the broker gave the watcher's review
 *       (the decision log's flush to disk, the review's trip to the broker);
 *   <li>{@code toSeen}: from the review's time to the bench seeing it on its own watch stream (the
 *       broker's commit and the event's delivery).
 * </ul>
 *
 * <p>Each span subtracts times taken by different processes, which is only meaningful when they
 * share a clock: the bench splits latency only for runs it started itself on this machine.
 */
record Stages(Latency toIntent, Latency toReview, Latency toSeen) {

  /**
   * The time of every intent record in a decision log, by decision id.
   *
   * <p>The watcher may still be appending while this reads, so a last line cut short, or any other
   * line that is not a whole record, is passed over: it costs a sample, not the report.
   */
  static Map<String, Instant> intentTimes(Path decisionLog) {
    Map<String, Instant> times = new HashMap<>();
    try (BufferedReader lines = Files.newBufferedReader(decisionLog, StandardCharsets.UTF_8)) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (!line.contains("\"intent\"")) {
          continue;
        }
        try {
          JsonNode record = Json.mapper().readTree(line);
          if ("intent".equals(record.path("phase").asText())
              && record.path("decisionId").isTextual()
              && record.path("time").isTextual()) {
            times.put(
                record.get("decisionId").asText(), Instant.parse(record.get("time").asText()));
          }
        } catch (JsonProcessingException | DateTimeParseException notARecord) {
          // A line being written as this reads, or not a decision record at all.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the decision log " + decisionLog, e);
    }
    return times;
  }
}
