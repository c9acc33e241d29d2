package dev.warden.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.RequestId;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import dev.warden.core.decision.Outcome;
import dev.warden.core.replay.RecordedRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reads a replay history as a stream, one line at a time: either a decision log (its intent records
 * about pending requests, which carry what was asked and what was decided) or a broker export
 * ({@code warden export requests}: request objects, one a line).
 *
 * <p>The file is read with one streaming parser that picks out the fields a replay needs and skips
 * the rest, so a history of millions of lines is read in seconds and never held in memory.
 */
final class History {

  /** What kind of file a history is. */
  enum Kind {
    DECISION_LOG,
    EXPORT
  }

  private static final JsonFactory JSON = new JsonFactory();

  private final Path file;
  private final Kind kind;

  private History(Path file, Kind kind) {
    this.file = file;
    this.kind = kind;
  }

  /**
   * Opens a history and tells its kind from its first line.
   *
   * @throws UserError when the file cannot be read or is neither kind
   */
  static History open(Path file) throws UserError {
    try (BufferedReader reader = reader(file)) {
      String first;
      do {
        first = reader.readLine();
      } while (first != null && first.isBlank());
      if (first == null) {
        throw new UserError(file + ": is empty; there is nothing to replay");
      }
      return new History(file, kindOf(file, first));
    } catch (IOException e) {
      throw new UserError(file + ": cannot be read: " + e.getMessage());
    }
  }

  Kind kind() {
    return kind;
  }

  Path file() {
    return file;
  }

  /** Receives the requests of a history a batch at a time. */
  @FunctionalInterface
  interface BatchSink {
    /**
     * Takes one batch.
     *
     * @param lines the line number of each request
     * @throws UserError to stop reading, with why
     */
    void accept(List<RecordedRequest> requests, long[] lines) throws UserError;
  }

  /**
   * Calls {@code sink} with every request of the history, in file order, in batches.
   *
   * <p>A reader thread parses while the caller's thread consumes, so that reading and replaying use
   * different cores; the queue between them is bounded, so memory stays bounded too.
   *
   * @throws UserError naming the line of the first entry that cannot be read, or what the sink
   *     threw
   */
  void forEachBatch(BatchSink sink) throws UserError {
    BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
    AtomicBoolean stop = new AtomicBoolean();
    Thread reader =
        Thread.ofPlatform().name("warden-replay-reader").daemon().start(() -> read(queue, stop));
    try {
      while (true) {
        Batch batch = take(queue);
        if (batch.error() != null) {
          throw batch.error();
        }
        if (batch.requests().isEmpty()) {
          return;
        }
        sink.accept(batch.requests(), batch.lines());
      }
    } finally {
      stop.set(true);
      queue.clear();
      reader.interrupt();
    }
  }

  /** Calls {@code sink} with every request of the history, one at a time. */
  void forEach(Consumer<RecordedRequest> sink) throws UserError {
    forEachBatch(
        (requests, lines) -> {
          for (int i = 0; i < requests.size(); i++) {
            try {
              sink.accept(requests.get(i));
            } catch (IllegalArgumentException e) {
              throw new UserError(file + ":" + lines[i] + ": " + e.getMessage());
            }
          }
        });
  }

  /** Parsed requests with their line numbers; an empty batch ends the stream. */
  private record Batch(List<RecordedRequest> requests, long[] lines, @Nullable UserError error) {}

  // Large enough that a replay's batch holds several requests of each user, which it decides one
  // after another while their state is in the cache (see Replay.acceptAll): with 5,000 users,
  // deciding took a third less CPU than with 1,024. Larger batches saved no more and cost
  // collection time, as every young collection copies the requests waiting here.
  private static final int BATCH = 16_384;
  // Enough to keep both threads busy; a longer queue only holds more young objects to copy.
  private static final int QUEUED_BATCHES = 2;

  /**
   * Parses the file with one streaming parser from start to end, so that no parser, buffer or
   * string is made per line. What a history is, one JSON object a line, is checked as it goes: each
   * object must start on a line of its own and end on the line it starts on.
   */
  private void read(BlockingQueue<Batch> queue, AtomicBoolean stop) {
    Names names = new Names();
    long line = 0;
    try (InputStream in = input(file);
        JsonParser parser = JSON.createParser(in)) {
      List<RecordedRequest> requests = new ArrayList<>(BATCH);
      long[] numbers = new long[BATCH];
      long endedOn = 0;
      JsonToken token;
      while ((token = parser.nextToken()) != null && !stop.get()) {
        line = parser.currentTokenLocation().getLineNr();
        if (line == endedOn) {
          throw notAnEntry(line, "the line holds more than one JSON value");
        }
        if (token != JsonToken.START_OBJECT) {
          throw notAnEntry(line, "the line is not a JSON object");
        }
        Fields fields = Fields.object(parser);
        endedOn = parser.currentLocation().getLineNr();
        if (endedOn != line) {
          throw notAnEntry(line, "the object does not end on the line it starts on");
        }
        RecordedRequest request = entry(fields, line, names);
        if (request != null) {
          numbers[requests.size()] = line;
          requests.add(request);
          if (requests.size() == BATCH) {
            queue.put(new Batch(requests, numbers, null));
            requests = new ArrayList<>(BATCH);
            numbers = new long[BATCH];
          }
        }
      }
      if (!requests.isEmpty()) {
        queue.put(new Batch(requests, numbers, null));
      }
      queue.put(new Batch(List.of(), new long[0], null));
    } catch (UserError e) {
      offer(queue, new Batch(List.of(), new long[0], e));
    } catch (JsonProcessingException e) {
      long at = e.getLocation() == null ? line : e.getLocation().getLineNr();
      offer(queue, new Batch(List.of(), new long[0], notAnEntry(at, e.getMessage())));
    } catch (IOException e) {
      offer(
          queue,
          new Batch(
              List.of(), new long[0], new UserError(file + ": cannot be read: " + e.getMessage())));
    } catch (InterruptedException e) {
      // The consumer stopped early; nothing is waiting for the rest.
    }
  }

  private static void offer(BlockingQueue<Batch> queue, Batch batch) {
    try {
      queue.put(batch);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Batch take(BlockingQueue<Batch> queue) throws UserError {
    try {
      return queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted while reading the history");
    }
  }

  /** The request the fields of one line describe, or null when it is not one to replay. */
  private @Nullable RecordedRequest entry(Fields fields, long line, Names names) throws UserError {
    try {
      return kind == Kind.EXPORT ? fields.exported(names) : fields.logged(names);
    } catch (RuntimeException e) {
      throw notAnEntry(line, e.getMessage());
    }
  }

  private UserError notAnEntry(long line, @Nullable String why) {
    return new UserError(
        file
            + ":"
            + line
            + ": not a "
            + (kind == Kind.EXPORT ? "request object" : "decision record")
            + ": "
            + why);
  }

  private static Kind kindOf(Path file, String first) throws UserError {
    try {
      Fields fields = Fields.read(first);
      if (fields.seq != null && fields.hash != null) {
        return Kind.DECISION_LOG;
      }
      if (fields.id != null && fields.user != null && fields.created != null) {
        return Kind.EXPORT;
      }
    } catch (IOException | RuntimeException e) {
      // Reported below, with what the file should have been.
    }
    throw new UserError(
        file
            + ": is neither a decision log nor an export of requests (warden export requests):"
            + " its first line is not a decision record or a request object");
  }

  private static InputStream input(Path file) throws UserError {
    try {
      return java.nio.file.Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": no such file");
    } catch (IOException e) {
      throw new UserError(file + ": cannot be read: " + e.getMessage());
    }
  }

  private static BufferedReader reader(Path file) throws UserError {
    try {
      return java.nio.file.Files.newBufferedReader(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": no such file");
    } catch (IOException e) {
      throw new UserError(file + ": cannot be read: " + e.getMessage());
    }
  }

  /** The fields of one line either kind may hold; absent ones stay null. */
  private static final class Fields {
    @Nullable Long seq;
    @Nullable String hash;
    @Nullable String phase;
    @Nullable String time;
    @Nullable String id;
    @Nullable String request;
    @Nullable String user;
    @Nullable String outcome;
    @Nullable String reason;
    @Nullable String ttl;
    @Nullable String created;
    @Nullable String approved;
    List<String> roles = List.of();
    List<String> resources = List.of();
    List<String> rules = List.of();
    List<String> locks = List.of();
    @Nullable Fields requested;

    static Fields read(String line) throws IOException {
      try (JsonParser parser = JSON.createParser(line)) {
        return read(parser);
      }
    }

    private static Fields read(JsonParser parser) throws IOException {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("the line is not a JSON object");
      }
      return object(parser);
    }

    /** Reads the fields of the object whose start the parser is at, up to its end. */
    static Fields object(JsonParser parser) throws IOException {
      Fields fields = new Fields();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
          case "seq" ->
              fields.seq = value == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : null;
          case "hash" -> fields.hash = text(parser);
          case "phase" -> fields.phase = text(parser);
          case "time" -> fields.time = text(parser);
          case "id" -> fields.id = text(parser);
          case "request" -> fields.request = text(parser);
          case "user" -> fields.user = text(parser);
          case "outcome" -> fields.outcome = text(parser);
          case "reason" -> fields.reason = text(parser);
          case "ttl" -> fields.ttl = text(parser);
          case "created" -> fields.created = text(parser);
          case "approved" -> fields.approved = text(parser);
          case "roles" -> fields.roles = strings(parser, value);
          case "resources" -> fields.resources = strings(parser, value);
          case "rules" -> fields.rules = ruleNames(parser, value);
          case "actions" -> fields.locks = lockTargets(parser, value);
          case "requested" ->
              fields.requested = value == JsonToken.START_OBJECT ? object(parser) : null;
          default -> parser.skipChildren();
        }
      }
      return fields;
    }

    /** An export line: the request as it arrived, decided at its creation time. */
    RecordedRequest exported(Names names) {
      AccessRequest request = pending(require(id, "id"), require(user, "user"), this, names);
      return new RecordedRequest(request, request.created(), null);
    }

    /** A decision log line: only intent records about a pending request are replayed. */
    @Nullable RecordedRequest logged(Names names) {
      if (!"intent".equals(phase) || request == null || requested == null) {
        return null;
      }
      AccessRequest pending = pending(request, require(user, "user"), requested, names);
      Instant decided = names.instant(require(time, "time"));
      RecordedRequest.Recorded recorded =
          new RecordedRequest.Recorded(Outcome.valueOf(require(outcome, "outcome")), rules, locks);
      return new RecordedRequest(
          pending, decided.isBefore(pending.created()) ? pending.created() : decided, recorded);
    }

    private static AccessRequest pending(String id, String user, Fields content, Names names) {
      List<RoleName> roles = new ArrayList<>(content.roles.size());
      content.roles.forEach(r -> roles.add(names.role(r)));
      List<ResourceId> resources = new ArrayList<>(content.resources.size());
      content.resources.forEach(r -> resources.add(names.resource(r)));
      return AccessRequest.pending(
          RequestId.of(id),
          names.user(user),
          roles,
          resources,
          content.reason == null ? "" : content.reason,
          names.duration(require(content.ttl, "ttl")),
          names.instant(require(content.created, "created")));
    }

    private static String require(@Nullable String value, String field) {
      if (value == null) {
        throw new IllegalArgumentException("it has no " + field);
      }
      return value;
    }

    private static @Nullable String text(JsonParser parser) throws IOException {
      return parser.currentToken() == JsonToken.VALUE_STRING ? parser.getText() : null;
    }

    private static List<String> strings(JsonParser parser, JsonToken value) throws IOException {
      if (value != JsonToken.START_ARRAY) {
        parser.skipChildren();
        return List.of();
      }
      List<String> items = new ArrayList<>(2);
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        items.add(parser.getText());
      }
      return items;
    }

    /** The names of {@code [{"name", "reason"}]}. */
    private static List<String> ruleNames(JsonParser parser, JsonToken value) throws IOException {
      List<String> names = new ArrayList<>(2);
      for (Fields rule : objects(parser, value)) {
        if (rule.id != null) {
          names.add(rule.id);
        }
      }
      return names;
    }

    /** The request ids (or {@code kind:value}) that the lock actions of a record target. */
    private static List<String> lockTargets(JsonParser parser, JsonToken value) throws IOException {
      List<String> targets = new ArrayList<>(2);
      if (value != JsonToken.START_ARRAY) {
        parser.skipChildren();
        return targets;
      }
      while (parser.nextToken() == JsonToken.START_OBJECT) {
        String type = null;
        String target = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          if (name.equals("type")) {
            type = text(parser);
          } else if (name.equals("target")) {
            target = text(parser);
          } else {
            parser.skipChildren();
          }
        }
        if ("lock".equals(type) && target != null) {
          targets.add(
              target.startsWith("request:") ? target.substring("request:".length()) : target);
        }
      }
      return targets;
    }

    /** A list of small objects, each read as fields; a rule's {@code name} lands in {@code id}. */
    private static List<Fields> objects(JsonParser parser, JsonToken value) throws IOException {
      List<Fields> objects = new ArrayList<>(2);
      if (value != JsonToken.START_ARRAY) {
        parser.skipChildren();
        return objects;
      }
      while (parser.nextToken() == JsonToken.START_OBJECT) {
        Fields each = new Fields();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          if (name.equals("name")) {
            each.id = text(parser);
          } else {
            parser.skipChildren();
          }
        }
        objects.add(each);
      }
      return objects;
    }
  }

  /**
   * The typed values of one history, made once per distinct text: a history names the same few
   * roles, resources, users and durations millions of times, and validating each again would be
   * most of the cost of reading it. Bounded, so a history of distinct users cannot grow it without
   * end.
   */
  private static final class Names {
    private static final int MOST = 100_000;
    private final Map<String, RoleName> roles = new HashMap<>();
    private final Map<String, ResourceId> resources = new HashMap<>();
    private final Map<String, UserName> users = new HashMap<>();
    private final Map<String, Duration> durations = new HashMap<>();

    RoleName role(String name) {
      return cached(roles, name, RoleName::of);
    }

    ResourceId resource(String id) {
      return cached(resources, id, ResourceId::of);
    }

    UserName user(String name) {
      return cached(users, name, UserName::of);
    }

    Duration duration(String text) {
      return cached(
          durations,
          text,
          t -> {
            try {
              return Duration.parse(t);
            } catch (DateTimeParseException e) {
              throw new IllegalArgumentException("'" + t + "' is not an ISO-8601 duration");
            }
          });
    }

    private static <T> T cached(Map<String, T> cache, String key, Function<String, T> make) {
      T value = cache.get(key);
      if (value == null) {
        value = make.apply(key);
        if (cache.size() < MOST) {
          cache.put(key, value);
        }
      }
      return value;
    }

    /**
     * An RFC 3339 time. The UTC form every Warden file writes ({@code 2026-01-01T12:00:00.25Z}) is
     * read directly; any other form goes through the general parser.
     */
    Instant instant(String text) {
      Instant fast = utc(text);
      if (fast != null) {
        return fast;
      }
      try {
        return java.time.OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("'" + text + "' is not an RFC 3339 time");
      }
    }

    private static @Nullable Instant utc(String t) {
      int n = t.length();
      if (n < 20
          || n > 30
          || t.charAt(4) != '-'
          || t.charAt(7) != '-'
          || t.charAt(10) != 'T'
          || t.charAt(13) != ':'
          || t.charAt(16) != ':'
          || t.charAt(n - 1) != 'Z'
          || (n > 20 && (t.charAt(19) != '.' || n == 21))) {
        return null;
      }
      int year = digits(t, 0, 4);
      int month = digits(t, 5, 7);
      int day = digits(t, 8, 10);
      int hour = digits(t, 11, 13);
      int minute = digits(t, 14, 16);
      int second = digits(t, 17, 19);
      int fraction = n > 20 ? digits(t, 20, n - 1) : 0;
      if (year < 0
          || month < 1
          || month > 12
          || day < 1
          || hour < 0
          || hour > 23
          || minute < 0
          || minute > 59
          || second < 0
          || second > 59
          || fraction < 0
          || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
        return null;
      }
      int nanos = fraction;
      for (int i = n - 1 - 20; i < 9 && n > 20; i++) {
        nanos *= 10;
      }
      long days = java.time.LocalDate.of(year, month, day).toEpochDay();
      return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    private static int digits(String text, int from, int to) {
      int value = 0;
      for (int i = from; i < to; i++) {
        char c = text.charAt(i);
        if (c < '0' || c > '9') {
          return -1;
        }
        value = value * 10 + (c - '0');
      }
      return value;
    }
  }
}
