package dev.warden.cli.reliability.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Makes the answers the stand-in broker plays to the watch reader: a few valid event lines of each
 * kind, as docs/api.md shows them, with some mutated (fields dropped, retyped, duplicated, values
 * at their limits), lines truncated, joined, repeated and ended with CR or CRLF, bytes that are not
 * UTF-8, very long lines; and, now and then, an error answer with a mutated problem body.
 */
final class WatchScripts {

  /** One event of each kind, and one with its object before its kind. */
  static final List<String> EVENTS =
      List.of(
          "{\"type\":\"ADDED\",\"kind\":\"request\",\"object\":{\"id\":\"r-nrapeowphxc6722kf3lg\","
              + "\"user\":\"alice\",\"roles\":[\"prod-db\"],\"resources\":[\"node/prod-web-1\"],"
              + "\"reason\":\"INC-42 debugging\",\"ttl\":\"PT4H\",\"state\":\"APPROVED\","
              + "\"created\":\"2026-12-03T10:31:19.551397Z\","
              + "\"approved\":\"2026-12-03T10:31:20.412401Z\","
              + "\"expires\":\"2026-12-03T14:31:20.412401Z\",\"locked\":false,\"active\":true,"
              + "\"reviews\":[{\"author\":\"watcher\",\"decision\":\"APPROVE\","
              + "\"reason\":\"complies with every rule of policy default\","
              + "\"decisionId\":\"78296c0b-1a71-4557-a28f-42994419256c\","
              + "\"time\":\"2026-12-03T10:31:20.412401Z\"}],\"resourceVersion\":17},"
              + "\"resourceVersion\":17}",
          "{\"type\":\"MODIFIED\",\"kind\":\"lock\",\"object\":{\"id\":"
              + "\"warden-production-research-separation-r-nrapeowphxc6722kf3lg\","
              + "\"target\":{\"request\":\"r-nrapeowphxc6722kf3lg\"},\"message\":\"older access\","
              + "\"expires\":\"2026-12-03T14:31:20.412401Z\",\"inForce\":true,"
              + "\"resourceVersion\":19},\"resourceVersion\":19}",
          "{\"type\":\"DELETED\",\"object\":{\"id\":\"freeze\",\"target\":{\"role\":\"prod-db\"},"
              + "\"message\":\"\",\"expires\":null,\"inForce\":false,\"resourceVersion\":20},"
              + "\"kind\":\"lock\",\"resourceVersion\":21}",
          "{\"type\":\"BOOKMARK\",\"kind\":null,\"object\":null,\"resourceVersion\":19}");

  private static final String PROBLEM =
      "{\"type\":\"https://warden.dev/problems/history-compacted\",\"title\":\"Gone\","
          + "\"status\":410,\"detail\":\"version 3 is older than the history the broker keeps\"}";

  private static final List<Integer> STATUSES = List.of(400, 401, 403, 404, 410, 413, 500, 503);

  private static final List<String> ENDINGS = List.of("\n", "\n", "\n", "\r\n", "\r", "\n\n");

  private WatchScripts() {}

  static WatchStreamTarget.Script next(FuzzRun run) {
    if (run.chance(0.08)) {
      byte[] body =
          run.chance(0.8)
              ? JsonMutator.mutate(run, PROBLEM)
              : PROBLEM.getBytes(StandardCharsets.UTF_8);
      return new WatchStreamTarget.Script(run.pick(STATUSES), WatchStreamTarget.Mode.CLOSE, body);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int lines = run.random().nextInt(12);
    for (int i = 0; i < lines; i++) {
      String event = run.pick(EVENTS);
      byte[] line =
          run.chance(0.25)
              ? JsonMutator.mutate(run, event)
              : event.getBytes(StandardCharsets.UTF_8);
      body.writeBytes(line);
      body.writeBytes(run.pick(ENDINGS).getBytes(StandardCharsets.US_ASCII));
    }
    byte[] bytes = body.toByteArray();
    if (run.chance(0.2)) {
      bytes = ByteMutator.mutate(run, bytes);
    }
    if (run.chance(0.1)) {
      bytes = java.util.Arrays.copyOf(bytes, run.random().nextInt(bytes.length + 1));
    }
    if (run.chance(0.02)) {
      bytes = ByteMutator.splice(bytes, bytes.length, 0, longLine(run));
    }
    double mode = run.random().nextDouble();
    WatchStreamTarget.Mode how =
        mode < 0.05
            ? WatchStreamTarget.Mode.STALL
            : mode < 0.35 ? WatchStreamTarget.Mode.PIECES : WatchStreamTarget.Mode.CLOSE;
    return new WatchStreamTarget.Script(200, how, bytes);
  }

  /** A line of several MiB, as a broken or hostile peer might send, with no end in sight. */
  private static byte[] longLine(FuzzRun run) {
    int size = run.pick(List.of(1 << 20, 8 << 20));
    byte[] line = new byte[size];
    java.util.Arrays.fill(line, (byte) 'x');
    line[0] = '{';
    line[1] = '"';
    return line;
  }
}
