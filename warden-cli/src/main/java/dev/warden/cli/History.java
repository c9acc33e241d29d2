package dev.warden.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.base.ParserBase;
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
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * <p>The file is read as a stream and never held in memory, picking out the fields a replay needs
 * and skipping the rest: an export's lines in the shape Warden writes them by hand ({@link
 * PlainLines}), anything else with one Jackson streaming parser from the first line in another
 * shape to the end, so that a history of millions of lines is read in a second or two.
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
   * Reads the file on the reader thread and queues its requests in batches, ending with an empty
   * batch, or a batch that carries the first error.
   *
   * <p>An export is read line by line by {@link PlainLines}, which takes the one shape {@code
   * warden export requests} writes; from the first line it cannot take, or for a decision log, the
   * rest of the file goes through Jackson's streaming parser, as every line once did.
   */
  private void read(BlockingQueue<Batch> queue, AtomicBoolean stop) {
    Names names = new Names();
    Batcher batches = new Batcher(queue);
    long[] line = {0};
    try {
      PlainLines.Rest rest =
          kind == Kind.EXPORT
              ? new PlainLines(this, names).read(batches, stop)
              : new PlainLines.Rest(1, 0);
      if (rest != null) {
        try (InputStream in = PlainLines.from(input(file), rest)) {
          parse(in, batches, stop, names, line);
        }
      }
      batches.finish();
    } catch (UserError e) {
      offer(queue, new Batch(List.of(), new long[0], e));
    } catch (JsonProcessingException e) {
      long at = e.getLocation() == null ? line[0] : e.getLocation().getLineNr();
      offer(queue, new Batch(List.of(), new long[0], notAnEntry(at, e.getMessage())));
    } catch (IOException e) {
      offer(
          queue,
          new Batch(
              List.of(), new long[0], new UserError(file + ": cannot be read: " + e.getMessage())));
    } catch (InterruptedException e) {
      // The consumer stopped early; nothing is waiting for the rest.
    } catch (RuntimeException e) {
      // A reader that died without a word would leave the consumer waiting for ever.
      offer(
          queue,
          new Batch(
              List.of(),
              new long[0],
              new UserError(file + ": bug: reading the history failed: " + e)));
      throw e;
    }
  }

  /** Collects requests into batches and queues each when full. */
  private static final class Batcher {
    private final BlockingQueue<Batch> queue;
    private List<RecordedRequest> requests = new ArrayList<>(BATCH);
    private long[] numbers = new long[BATCH];

    Batcher(BlockingQueue<Batch> queue) {
      this.queue = queue;
    }

    void add(RecordedRequest request, long line) throws InterruptedException {
      numbers[requests.size()] = line;
      requests.add(request);
      if (requests.size() == BATCH) {
        queue.put(new Batch(requests, numbers, null));
        requests = new ArrayList<>(BATCH);
        numbers = new long[BATCH];
      }
    }

    void finish() throws InterruptedException {
      if (!requests.isEmpty()) {
        queue.put(new Batch(requests, numbers, null));
      }
      queue.put(new Batch(List.of(), new long[0], null));
    }
  }

  /**
   * Parses {@code in} with one streaming parser to its end, so that no parser, buffer or string is
   * made per line. What a history is, one JSON object a line, is checked as it goes: each object
   * must start on a line of its own and end on the line it starts on.
   *
   * @param line where the line of the current entry is kept, for an error the parser reports
   *     without a location
   */
  private void parse(InputStream in, Batcher batches, AtomicBoolean stop, Names names, long[] line)
      throws IOException, UserError, InterruptedException {
    try (JsonParser parser = JSON.createParser(in)) {
      long endedOn = 0;
      JsonToken token;
      while ((token = parser.nextToken()) != null && !stop.get()) {
        line[0] = tokenLine(parser);
        if (line[0] == endedOn) {
          throw notAnEntry(line[0], "the line holds more than one JSON value");
        }
        if (token != JsonToken.START_OBJECT) {
          throw notAnEntry(line[0], "the line is not a JSON object");
        }
        Fields fields = fields(parser, line[0], names);
        // The parser is at the object's closing brace, which ends the line it is on.
        endedOn = tokenLine(parser);
        if (endedOn != line[0]) {
          throw notAnEntry(line[0], "the object does not end on the line it starts on");
        }
        RecordedRequest request = entry(fields, line[0], names);
        if (request != null) {
          batches.add(request, line[0]);
        }
      }
    }
  }

  /**
   * Reads one object. A name, duration or time read as known is valid already; a value the line
   * holds that is invalid is only found when it is replayed, and that is refused in {@link #entry}.
   */
  private Fields fields(JsonParser parser, long line, Names names) throws IOException, UserError {
    try {
      return Fields.object(parser, names);
    } catch (RuntimeException e) {
      throw notAnEntry(line, e.getMessage());
    }
  }

  /**
   * The line of the parser's current token. Jackson's own parsers give it as a number; asking for
   * the location instead makes an object, twice a line.
   */
  private static long tokenLine(JsonParser parser) {
    return parser instanceof ParserBase base
        ? base.getTokenLineNr()
        : parser.currentTokenLocation().getLineNr();
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
      if (fields.id != null && fields.hasUser() && fields.hasCreated()) {
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

  /**
   * The fields of one line either kind may hold; absent ones stay null.
   *
   * <p>A name, duration or time whose text this history has met before is read as its typed value
   * straight from the parser's characters, with no string made for it; those are most of what a
   * line holds. Any other text is kept as a string and only made a typed value, and validated, once
   * the line turns out to be one to replay, so a line that is skipped is never refused for it.
   */
  private static final class Fields {
    @Nullable Long seq;
    @Nullable String hash;
    @Nullable String phase;
    @Nullable String time;
    @Nullable String id;
    @Nullable String request;
    @Nullable String user;
    @Nullable UserName knownUser;
    @Nullable String outcome;
    @Nullable String reason;
    @Nullable String ttl;
    @Nullable Duration knownTtl;
    @Nullable String created;
    @Nullable Instant createdAt;
    @Nullable String approved;
    List<String> roles = List.of();
    @Nullable List<RoleName> knownRoles;
    List<String> resources = List.of();
    @Nullable List<ResourceId> knownResources;
    List<String> rules = List.of();
    List<String> locks = List.of();
    @Nullable Fields requested;

    static Fields read(String line) throws IOException {
      try (JsonParser parser = JSON.createParser(line)) {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
          throw new IOException("the line is not a JSON object");
        }
        return object(parser, new Names());
      }
    }

    boolean hasUser() {
      return user != null || knownUser != null;
    }

    boolean hasCreated() {
      return created != null || createdAt != null;
    }

    /** Reads the fields of the object whose start the parser is at, up to its end. */
    static Fields object(JsonParser parser, Names names) throws IOException {
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
          case "user" -> {
            fields.knownUser = names.users.known(parser);
            fields.user = fields.knownUser == null ? text(parser) : null;
          }
          case "outcome" -> fields.outcome = text(parser);
          case "reason" -> fields.reason = text(parser);
          case "ttl" -> {
            fields.knownTtl = names.durations.known(parser);
            fields.ttl = fields.knownTtl == null ? text(parser) : null;
          }
          case "created" -> {
            fields.createdAt = value == JsonToken.VALUE_STRING ? Names.utc(parser) : null;
            fields.created = fields.createdAt == null ? text(parser) : null;
          }
          case "approved" -> fields.approved = text(parser);
          case "roles" -> {
            fields.knownRoles = names.roles.list(parser, value);
            fields.roles = fields.knownRoles == null ? names.roles.texts() : List.of();
          }
          case "resources" -> {
            fields.knownResources = names.resources.list(parser, value);
            fields.resources = fields.knownResources == null ? names.resources.texts() : List.of();
          }
          case "rules" -> fields.rules = ruleNames(parser, value);
          case "actions" -> fields.locks = lockTargets(parser, value);
          case "requested" ->
              fields.requested = value == JsonToken.START_OBJECT ? object(parser, names) : null;
          default -> parser.skipChildren();
        }
      }
      return fields;
    }

    /** An export line: the request as it arrived, decided at its creation time. */
    RecordedRequest exported(Names names) {
      AccessRequest request = pending(require(id, "id"), this, this, names);
      return new RecordedRequest(request, request.created(), null);
    }

    /** A decision log line: only intent records about a pending request are replayed. */
    @Nullable RecordedRequest logged(Names names) {
      if (!"intent".equals(phase) || request == null || requested == null) {
        return null;
      }
      AccessRequest pending = pending(request, this, requested, names);
      Instant decided = names.instant(require(time, "time"));
      RecordedRequest.Recorded recorded =
          new RecordedRequest.Recorded(Outcome.valueOf(require(outcome, "outcome")), rules, locks);
      return new RecordedRequest(
          pending, decided.isBefore(pending.created()) ? pending.created() : decided, recorded);
    }

    /**
     * The pending request {@code content} describes, with the user {@code top} names. Its parts are
     * checked in the order they always were, so a line with several faults is refused for the same
     * one.
     */
    private static AccessRequest pending(String id, Fields top, Fields content, Names names) {
      String userText = top.knownUser != null ? null : require(top.user, "user");
      List<RoleName> roles = content.knownRoles;
      if (roles == null) {
        roles = new ArrayList<>(content.roles.size());
        for (String role : content.roles) {
          roles.add(names.roles.get(role));
        }
      }
      List<ResourceId> resources = content.knownResources;
      if (resources == null) {
        resources = new ArrayList<>(content.resources.size());
        for (String resource : content.resources) {
          resources.add(names.resources.get(resource));
        }
      }
      RequestId requestId = RequestId.of(id);
      UserName user = userText == null ? nonNull(top.knownUser) : names.users.get(userText);
      Duration ttl =
          content.knownTtl != null
              ? content.knownTtl
              : names.durations.get(require(content.ttl, "ttl"));
      Instant created =
          content.createdAt != null
              ? content.createdAt
              : names.instant(require(content.created, "created"));
      return AccessRequest.pending(
          requestId,
          user,
          roles,
          resources,
          content.reason == null ? "" : content.reason,
          ttl,
          created);
    }

    private static <T> T nonNull(@Nullable T value) {
      if (value == null) {
        throw new IllegalStateException("bug: a field read as known has no value");
      }
      return value;
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
   * Reads the lines of an export in the one shape {@code warden export requests} writes: an object
   * a line, without spaces, whose strings are printable ASCII without escapes and whose values are
   * strings, integers, {@code true}, {@code false}, {@code null} or arrays of strings. That is
   * nearly every line of a history, and taking it apart by hand costs a fraction of what a general
   * parser does.
   *
   * <p>At the first line in any other shape this stops, and Jackson parses the rest of the file
   * from the start of that line, fed as many empty lines before it as there were lines above, so
   * that it counts lines and columns as it would have over the whole file. What is accepted, and
   * every message about a line that is not, is therefore the general parser's. A line that is taken
   * here gives the same {@link Fields} the general parser would have read from it.
   */
  private static final class PlainLines {

    /** Where the general parser takes over: the number of the line, and its offset in the file. */
    record Rest(long line, long offset) {}

    private static final int BUFFER = 1 << 20;
    // Shorter than any limit of Jackson's on a name or string, so a line taken here is one it
    // takes.
    private static final int LONGEST_LINE = 1 << 15;

    // The fields read from a line; anything else is skipped, if it is a plain value.
    private static final byte OTHER = 0;
    private static final byte ID = 1;
    private static final byte USER = 2;
    private static final byte REASON = 3;
    private static final byte TTL = 4;
    private static final byte CREATED = 5;
    private static final byte ROLES = 6;
    private static final byte RESOURCES = 7;
    private static final byte APPROVED = 8;
    // A field the general parser reads in its own way for a decision log: left to it.
    private static final byte SPECIAL = 9;

    private static final byte[][] NAMES = {
      bytes("id"),
      bytes("user"),
      bytes("reason"),
      bytes("ttl"),
      bytes("created"),
      bytes("roles"),
      bytes("resources")
    };
    private static final byte[][] SPECIAL_NAMES = {
      bytes("seq"),
      bytes("hash"),
      bytes("phase"),
      bytes("time"),
      bytes("request"),
      bytes("outcome"),
      bytes("rules"),
      bytes("actions"),
      bytes("requested")
    };

    private final History history;
    private final Names names;
    private final char[] chars = new char[LONGEST_LINE];
    // Where the object {@link #fields} read last ends.
    private int objectEnd;

    PlainLines(History history, Names names) {
      this.history = history;
      this.names = names;
    }

    /**
     * Reads lines from the start of the file and hands on their requests.
     *
     * @return where the general parser must go on, or null when the file was read to its end (or
     *     reading was stopped)
     * @throws UserError naming the line of an entry that is not a request
     */
    @Nullable Rest read(Batcher batches, AtomicBoolean stop)
        throws IOException, UserError, InterruptedException {
      try (InputStream in = input(history.file)) {
        byte[] buffer = new byte[BUFFER];
        int start = 0;
        int end = 0;
        long offset = 0;
        long line = 1;
        boolean eof = false;
        while (!stop.get()) {
          // Until the end of the file, the buffer holds more than the longest line and its CR LF,
          // so a line that ends nowhere in it is too long for this reading.
          if (!eof && end - start < LONGEST_LINE + 2) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            offset += start;
            end -= start;
            start = 0;
            int read = in.read(buffer, end, buffer.length - end);
            if (read < 0) {
              eof = true;
            } else {
              end += read;
            }
            continue;
          }
          if (start == end) {
            return null;
          }
          int lineEnd = blankEnd(buffer, start, end, eof);
          if (lineEnd < 0) {
            Fields fields = fields(buffer, start, end);
            lineEnd = fields == null ? -1 : objectEnd;
            if (lineEnd < 0 || lineEnd - start > LONGEST_LINE || !endsLine(buffer, lineEnd, end)) {
              return new Rest(line, offset + start);
            }
            RecordedRequest request = history.entry(fields, line, names);
            if (request != null) {
              batches.add(request, line);
            }
          }
          start = next(buffer, lineEnd, end);
          line++;
        }
        return null;
      }
    }

    /**
     * The rest of a file for the general parser: {@code file} from the offset of {@code rest},
     * after as many line feeds as there are lines above it.
     */
    static InputStream from(InputStream file, Rest rest) throws IOException {
      if (rest.line() == 1 && rest.offset() == 0) {
        return file;
      }
      file.skipNBytes(rest.offset());
      return new SequenceInputStream(new LineFeeds(rest.line() - 1), file);
    }

    /** Whether {@code at}, just after an object, is the end of its line. */
    private static boolean endsLine(byte[] buffer, int at, int end) {
      return at == end || buffer[at] == '\n' || buffer[at] == '\r';
    }

    /** Where the next line starts: after LF, CR LF or a lone CR, as Jackson counts lines. */
    private static int next(byte[] buffer, int lineEnd, int end) {
      if (lineEnd >= end) {
        return end;
      }
      if (buffer[lineEnd] == '\r' && lineEnd + 1 < end && buffer[lineEnd + 1] == '\n') {
        return lineEnd + 2;
      }
      return lineEnd + 1;
    }

    /** Where the line at {@code from} ends, when it holds only spaces and tabs; else -1. */
    private static int blankEnd(byte[] buffer, int from, int end, boolean eof) {
      int i = from;
      while (i < end && (buffer[i] == ' ' || buffer[i] == '\t')) {
        i++;
      }
      if (i == end) {
        return eof ? i : -1;
      }
      return buffer[i] == '\n' || buffer[i] == '\r' ? i : -1;
    }

    /**
     * The fields of the object at {@code from} when it is in the plain shape, its end then in
     * {@link #objectEnd}; or null.
     */
    private @Nullable Fields fields(byte[] b, int from, int to) {
      if (b[from] != '{') {
        return null;
      }
      Fields fields = new Fields();
      int i = from + 1;
      if (i < to && b[i] == '}') {
        objectEnd = i + 1;
        return fields;
      }
      while (true) {
        if (i >= to || b[i] != '"') {
          return null;
        }
        int nameEnd = stringEnd(b, i + 1, to);
        if (nameEnd < 0 || nameEnd + 1 >= to || b[nameEnd + 1] != ':') {
          return null;
        }
        byte field = field(b, i + 1, nameEnd);
        i = field == SPECIAL ? -1 : value(b, nameEnd + 2, to, field, fields);
        if (i < 0 || i >= to) {
          return null;
        }
        if (b[i] == '}') {
          objectEnd = i + 1;
          return fields;
        }
        if (b[i] != ',') {
          return null;
        }
        i++;
      }
    }

    /** Reads the value at {@code i} into {@code fields}; returns where it ends, or -1. */
    private int value(byte[] b, int i, int to, byte field, Fields fields) {
      if (i >= to) {
        return -1;
      }
      if (b[i] == '"') {
        int end = stringEnd(b, i + 1, to);
        if (end >= 0) {
          string(b, i + 1, end, field, fields);
        }
        return end < 0 ? -1 : end + 1;
      }
      if (b[i] == '[') {
        return array(b, i + 1, to, field, fields);
      }
      int end = literal(b, i, to);
      if (end >= 0) {
        notString(field, fields);
      }
      return end;
    }

    /** A string value, as {@link Fields#object} reads one. */
    private void string(byte[] b, int from, int to, byte field, Fields fields) {
      switch (field) {
        case ID -> fields.id = text(b, from, to);
        case REASON -> fields.reason = text(b, from, to);
        case USER -> {
          fields.knownUser = names.users.known(b, from, to - from);
          fields.user = fields.knownUser == null ? text(b, from, to) : null;
        }
        case TTL -> {
          fields.knownTtl = names.durations.known(b, from, to - from);
          fields.ttl = fields.knownTtl == null ? text(b, from, to) : null;
        }
        case CREATED -> {
          fields.createdAt = Names.utc(chars(b, from, to), 0, to - from);
          fields.created = fields.createdAt == null ? text(b, from, to) : null;
        }
        // Not an array: like any value that is not one, no names.
        case ROLES -> {
          fields.knownRoles = List.of();
          fields.roles = List.of();
        }
        case RESOURCES -> {
          fields.knownResources = List.of();
          fields.resources = List.of();
        }
        default -> {
          // Skipped.
        }
      }
    }

    /** A value that is not a string nor an array: what {@link Fields#object} makes of it. */
    private static void notString(byte field, Fields fields) {
      switch (field) {
        case ID -> fields.id = null;
        case REASON -> fields.reason = null;
        case USER -> {
          fields.knownUser = null;
          fields.user = null;
        }
        case TTL -> {
          fields.knownTtl = null;
          fields.ttl = null;
        }
        case CREATED -> {
          fields.createdAt = null;
          fields.created = null;
        }
        case ROLES -> {
          fields.knownRoles = List.of();
          fields.roles = List.of();
        }
        case RESOURCES -> {
          fields.knownResources = List.of();
          fields.resources = List.of();
        }
        default -> {
          // Skipped.
        }
      }
    }

    /** An array of strings from after its {@code [}; returns where it ends, or -1. */
    private int array(byte[] b, int i, int to, byte field, Fields fields) {
      if (field != OTHER && field != ROLES && field != RESOURCES) {
        // The general parser reads no string there and goes on inside the array: left to it.
        return -1;
      }
      @Nullable Known<?> known =
          field == ROLES ? names.roles : field == RESOURCES ? names.resources : null;
      if (known != null) {
        known.startList();
      }
      if (i < to && b[i] == ']') {
        i++;
      } else {
        while (true) {
          if (i >= to || b[i] != '"') {
            return -1;
          }
          int end = stringEnd(b, i + 1, to);
          if (end < 0) {
            return -1;
          }
          if (known != null) {
            known.addMember(b, i + 1, end - i - 1);
          }
          i = end + 1;
          if (i < to && b[i] == ']') {
            i++;
            break;
          }
          if (i >= to || b[i] != ',') {
            return -1;
          }
          i++;
        }
      }
      if (field == ROLES) {
        fields.knownRoles = names.roles.endList();
        fields.roles = fields.knownRoles == null ? names.roles.texts() : List.of();
      } else if (field == RESOURCES) {
        fields.knownResources = names.resources.endList();
        fields.resources = fields.knownResources == null ? names.resources.texts() : List.of();
      }
      return i;
    }

    /**
     * The end of {@code true}, {@code false}, {@code null} or an integer of at most 18 digits
     * without a leading zero, at {@code i}; or -1 for anything else, such as a fraction.
     */
    private static int literal(byte[] b, int i, int to) {
      byte first = b[i];
      if (first == 't' || first == 'f' || first == 'n') {
        byte[] word = first == 't' ? WORDS[0] : first == 'f' ? WORDS[1] : WORDS[2];
        if (to - i < word.length) {
          return -1;
        }
        for (int k = 1; k < word.length; k++) {
          if (b[i + k] != word[k]) {
            return -1;
          }
        }
        return i + word.length;
      }
      int at = i < to && b[i] == '-' ? i + 1 : i;
      int digits = at;
      while (digits < to && b[digits] >= '0' && b[digits] <= '9') {
        digits++;
      }
      int count = digits - at;
      if (count == 0 || count > 18 || (b[at] == '0' && count > 1)) {
        return -1;
      }
      return digits;
    }

    private static final byte[][] WORDS = {bytes("true"), bytes("false"), bytes("null")};

    /**
     * The closing quote of a string whose text starts at {@code from}, or -1 when the text holds an
     * escape, a control character or a byte outside ASCII (negative as a Java byte).
     */
    private static int stringEnd(byte[] b, int from, int to) {
      for (int i = from; i < to; i++) {
        byte c = b[i];
        if (c == '"') {
          return i;
        }
        if (c == '\\' || c < 0x20 || c == 0x7f) {
          return -1;
        }
      }
      return -1;
    }

    private static byte field(byte[] b, int from, int to) {
      int length = to - from;
      if (length >= BY_LENGTH.length) {
        return OTHER;
      }
      byte[][] candidates = BY_LENGTH[length];
      for (int c = 0; c < candidates.length; c++) {
        byte[] name = candidates[c];
        if (b[from] == name[0] && Arrays.equals(b, from, to, name, 0, length)) {
          return CODES_BY_LENGTH[length][c];
        }
      }
      return OTHER;
    }

    // The names above by their length, with their codes, so a name is compared with few.
    private static final byte[][][] BY_LENGTH = new byte[16][][];
    private static final byte[][] CODES_BY_LENGTH = new byte[16][];

    static {
      for (int length = 0; length < BY_LENGTH.length; length++) {
        List<byte[]> names = new ArrayList<>();
        List<Byte> codes = new ArrayList<>();
        for (int f = 0; f < NAMES.length; f++) {
          if (NAMES[f].length == length) {
            names.add(NAMES[f]);
            codes.add((byte) (f + 1));
          }
        }
        for (byte[] special : SPECIAL_NAMES) {
          if (special.length == length) {
            names.add(special);
            codes.add(SPECIAL);
          }
        }
        BY_LENGTH[length] = names.toArray(byte[][]::new);
        CODES_BY_LENGTH[length] = new byte[codes.size()];
        for (int c = 0; c < codes.size(); c++) {
          CODES_BY_LENGTH[length][c] = codes.get(c);
        }
      }
    }

    /** The ASCII text as characters, in a buffer reused for every value. */
    private char[] chars(byte[] b, int from, int to) {
      for (int i = from; i < to; i++) {
        chars[i - from] = (char) b[i];
      }
      return chars;
    }

    private static String text(byte[] b, int from, int to) {
      return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String text) {
      return text.getBytes(StandardCharsets.US_ASCII);
    }
  }

  /** As many line feeds as asked for: the lines above where the general parser takes over. */
  private static final class LineFeeds extends InputStream {
    private long left;

    LineFeeds(long count) {
      this.left = count;
    }

    @Override
    public int read() {
      if (left == 0) {
        return -1;
      }
      left--;
      return '\n';
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (length == 0) {
        return 0;
      }
      if (left == 0) {
        return -1;
      }
      int count = (int) Math.min(length, left);
      Arrays.fill(buffer, offset, offset + count, (byte) '\n');
      left -= count;
      return count;
    }
  }

  /**
   * The typed values of one history, made once per distinct text: a history names the same few
   * roles, resources, users and durations millions of times, and validating each again would be
   * most of the cost of reading it. Bounded, so a history of distinct users cannot grow it without
   * end.
   */
  private static final class Names {
    final Known<RoleName> roles = new Known<>(RoleName::of);
    final Known<ResourceId> resources = new Known<>(ResourceId::of);
    final Known<UserName> users = new Known<>(UserName::of);
    final Known<Duration> durations = new Known<>(Names::duration);

    private static Duration duration(String text) {
      try {
        return Duration.parse(text);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 duration");
      }
    }

    /**
     * An RFC 3339 time. The UTC form every Warden file writes ({@code 2026-01-01T12:00:00.25Z}) is
     * read directly; any other form goes through the general parser.
     */
    Instant instant(String text) {
      Instant fast = utc(text.toCharArray(), 0, text.length());
      if (fast != null) {
        return fast;
      }
      try {
        return java.time.OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("'" + text + "' is not an RFC 3339 time");
      }
    }

    /** The string value the parser is at as a time in the UTC form, or null when it is not one. */
    static @Nullable Instant utc(JsonParser parser) throws IOException {
      return utc(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
    }

    static @Nullable Instant utc(char[] chars, int offset, int n) {
      if (n < 20
          || n > 30
          || chars[offset + 4] != '-'
          || chars[offset + 7] != '-'
          || chars[offset + 10] != 'T'
          || chars[offset + 13] != ':'
          || chars[offset + 16] != ':'
          || chars[offset + n - 1] != 'Z'
          || (n > 20 && (chars[offset + 19] != '.' || n == 21))) {
        return null;
      }
      int year = digits(chars, offset, 4);
      int month = digits(chars, offset + 5, 2);
      int day = digits(chars, offset + 8, 2);
      int hour = digits(chars, offset + 11, 2);
      int minute = digits(chars, offset + 14, 2);
      int second = digits(chars, offset + 17, 2);
      int fraction = n > 20 ? digits(chars, offset + 20, n - 21) : 0;
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

    private static int digits(char[] chars, int from, int count) {
      int value = 0;
      for (int i = from; i < from + count; i++) {
        char c = chars[i];
        if (c < '0' || c > '9') {
          return -1;
        }
        value = value * 10 + (c - '0');
      }
      return value;
    }
  }

  /**
   * The typed values of one kind of name, by their text, and the lists of them that requests name.
   *
   * <p>A value is looked up straight from the parser's characters (an open-addressing table hashed
   * as {@link String#hashCode} hashes, so a string finds the same slot), and a list of known values
   * by the numbers of its members, so that a line made only of known names makes no string and
   * requests naming the same combination share one immutable list. A text met for the first time is
   * only made a value, and so validated, through {@link #get}, once its line is to be replayed.
   */
  private static final class Known<T> {
    private static final int MOST = 100_000;
    // Lists of up to this many members are shared; their members' numbers fit in a long.
    private static final int SHARED_LIST = 3;
    private static final int NUMBER_BITS = 20;

    private final Function<String, T> make;
    private String[] keys = new String[64];
    private Object[] values = new Object[64];
    private int[] numbers = new int[64];
    // Each key's bytes when it is ASCII, for texts read as bytes; null for any other key.
    private byte[][] asciiKeys = new byte[64][];
    private int size;
    // The shared lists by the numbers of their members, in an open-addressing table of their own:
    // a map would box a number for every list read. A key is never 0, as it holds the count.
    private long[] listKeys = new long[64];
    private Object[] listValues = new Object[64];
    private int listCount;
    // What the last list read held, as one list of each: the values and, for every member, its
    // text (the known key, or the string read when it was not known).
    private Object[] members = new Object[4];
    private String[] texts = new String[4];
    private int[] memberNumbers = new int[4];
    private int count;
    private boolean allKnown;
    private List<String> lastTexts = List.of();

    Known(Function<String, T> make) {
      this.make = make;
    }

    /** The value of the text, made and remembered when it is new. */
    T get(String text) {
      int slot = slot(text);
      if (keys[slot] != null) {
        return value(slot);
      }
      T value = make.apply(text);
      if (size < MOST) {
        put(slot, text, value);
      }
      return value;
    }

    /** The value of the string the parser is at, or null when it is not a string known here. */
    @Nullable T known(JsonParser parser) throws IOException {
      if (parser.currentToken() != JsonToken.VALUE_STRING) {
        return null;
      }
      return known(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
    }

    /** The value of an ASCII text in {@code bytes}, or null when it is not known here. */
    @Nullable T known(byte[] bytes, int offset, int length) {
      int slot = knownSlot(bytes, offset, length);
      return slot < 0 ? null : value(slot);
    }

    /** The value of the text in {@code chars}, or null when it is not known here. */
    @Nullable T known(char[] chars, int offset, int length) {
      int slot = knownSlot(chars, offset, length);
      return slot < 0 ? null : value(slot);
    }

    /**
     * Reads the array the parser is at. Returns its members as one shared list when every one is
     * known (a value that is not an array is an empty list); otherwise null, and {@link #texts()}
     * then holds the members' texts.
     */
    @Nullable List<T> list(JsonParser parser, JsonToken value) throws IOException {
      if (value != JsonToken.START_ARRAY) {
        parser.skipChildren();
        return List.of();
      }
      startList();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
          addMember(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
        } else {
          // As before typed reading: whatever the token is, its text is taken as the name.
          addText(parser.getText());
        }
      }
      return endList();
    }

    void startList() {
      count = 0;
      allKnown = true;
    }

    void addMember(char[] chars, int offset, int length) {
      int slot = allKnown ? knownSlot(chars, offset, length) : -1;
      if (slot < 0) {
        addText(new String(chars, offset, length));
      } else {
        addKnown(slot);
      }
    }

    /** A member whose text is ASCII, as {@code bytes} from {@code offset} hold it. */
    void addMember(byte[] bytes, int offset, int length) {
      int slot = allKnown ? knownSlot(bytes, offset, length) : -1;
      if (slot < 0) {
        addText(new String(bytes, offset, length, StandardCharsets.ISO_8859_1));
      } else {
        addKnown(slot);
      }
    }

    private void addKnown(int slot) {
      room();
      members[count] = values[slot];
      texts[count] = keys[slot];
      memberNumbers[count] = numbers[slot];
      count++;
    }

    void addText(String text) {
      room();
      allKnown = false;
      texts[count++] = text;
    }

    /** The list begun by {@link #startList}, as {@link #list} returns it. */
    @Nullable List<T> endList() {
      if (!allKnown) {
        lastTexts = new ArrayList<>(Arrays.asList(texts).subList(0, count));
        return null;
      }
      return shared(count);
    }

    private void room() {
      if (count == texts.length) {
        members = Arrays.copyOf(members, count * 2);
        texts = Arrays.copyOf(texts, count * 2);
        memberNumbers = Arrays.copyOf(memberNumbers, count * 2);
      }
    }

    /** The texts of the last list {@link #list} could not read as known values. */
    List<String> texts() {
      return lastTexts;
    }

    private List<T> shared(int count) {
      if (count == 0) {
        return List.of();
      }
      if (count > SHARED_LIST) {
        return List.copyOf(members(count));
      }
      long key = count;
      for (int i = 0; i < count; i++) {
        key = (key << NUMBER_BITS) | memberNumbers[i];
      }
      int mask = listKeys.length - 1;
      int slot = (int) (key ^ (key >>> 29) ^ (key >>> 47)) & mask;
      while (listKeys[slot] != 0 && listKeys[slot] != key) {
        slot = (slot + 1) & mask;
      }
      if (listKeys[slot] == key) {
        @SuppressWarnings("unchecked")
        List<T> known = (List<T>) listValues[slot];
        return known;
      }
      List<T> made = List.copyOf(members(count));
      if (listCount < MOST) {
        listKeys[slot] = key;
        listValues[slot] = made;
        if (++listCount * 2 > listKeys.length) {
          growLists();
        }
      }
      return made;
    }

    private void growLists() {
      long[] oldKeys = listKeys;
      Object[] oldValues = listValues;
      listKeys = new long[oldKeys.length * 2];
      listValues = new Object[listKeys.length];
      int mask = listKeys.length - 1;
      for (int i = 0; i < oldKeys.length; i++) {
        long key = oldKeys[i];
        if (key != 0) {
          int slot = (int) (key ^ (key >>> 29) ^ (key >>> 47)) & mask;
          while (listKeys[slot] != 0) {
            slot = (slot + 1) & mask;
          }
          listKeys[slot] = key;
          listValues[slot] = oldValues[i];
        }
      }
    }

    @SuppressWarnings("unchecked")
    private List<T> members(int count) {
      return (List<T>) Arrays.asList(Arrays.copyOf(members, count));
    }

    @SuppressWarnings("unchecked")
    private T value(int slot) {
      return (T) values[slot];
    }

    // The same lookup over characters (Jackson's names) and over bytes (the plain reader's): the
    // two array types cannot share one loop without boxing or copying on this hot path.
    private int knownSlot(char[] chars, int offset, int length) {
      int hash = 0;
      for (int i = 0; i < length; i++) {
        hash = 31 * hash + chars[offset + i];
      }
      int mask = keys.length - 1;
      for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
        String key = keys[slot];
        if (key == null) {
          return -1;
        }
        if (key.hashCode() == hash && sameText(key, chars, offset, length)) {
          return slot;
        }
      }
    }

    private int knownSlot(byte[] bytes, int offset, int length) {
      int hash = 0;
      for (int i = 0; i < length; i++) {
        hash = 31 * hash + bytes[offset + i];
      }
      int mask = keys.length - 1;
      for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
        String key = keys[slot];
        if (key == null) {
          return -1;
        }
        byte[] ascii = asciiKeys[slot];
        if (key.hashCode() == hash
            && ascii != null
            && Arrays.equals(ascii, 0, ascii.length, bytes, offset, offset + length)) {
          return slot;
        }
      }
    }

    private static boolean sameText(String key, char[] chars, int offset, int length) {
      if (key.length() != length) {
        return false;
      }
      for (int i = 0; i < length; i++) {
        if (key.charAt(i) != chars[offset + i]) {
          return false;
        }
      }
      return true;
    }

    /** The slot of the text, or the empty slot where it would go. */
    private int slot(String text) {
      int mask = keys.length - 1;
      int slot = spread(text.hashCode()) & mask;
      while (keys[slot] != null && !keys[slot].equals(text)) {
        slot = (slot + 1) & mask;
      }
      return slot;
    }

    private void put(int slot, String text, T value) {
      keys[slot] = text;
      values[slot] = value;
      asciiKeys[slot] = ascii(text);
      numbers[slot] = size++;
      if (size * 2 > keys.length) {
        grow();
      }
    }

    private void grow() {
      String[] oldKeys = keys;
      Object[] oldValues = values;
      int[] oldNumbers = numbers;
      byte[][] oldAscii = asciiKeys;
      keys = new String[oldKeys.length * 2];
      values = new Object[keys.length];
      numbers = new int[keys.length];
      asciiKeys = new byte[keys.length][];
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldKeys[i] != null) {
          int slot = slot(oldKeys[i]);
          keys[slot] = oldKeys[i];
          values[slot] = oldValues[i];
          numbers[slot] = oldNumbers[i];
          asciiKeys[slot] = oldAscii[i];
        }
      }
    }

    private static byte @Nullable [] ascii(String text) {
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) >= 0x80) {
          return null;
        }
      }
      return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static int spread(int hash) {
      return hash ^ (hash >>> 16);
    }
  }
}
