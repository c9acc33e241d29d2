package dev.warden.core.cases;

import dev.warden.core.Identifiers;
import dev.warden.core.access.AccessRequest;
import dev.warden.core.access.Lock;
import dev.warden.core.access.LockId;
import dev.warden.core.access.LockTarget;
import dev.warden.core.access.RequestId;
import dev.warden.core.access.RequestState;
import dev.warden.core.catalog.Catalog;
import dev.warden.core.catalog.CatalogLoader;
import dev.warden.core.catalog.ResourceId;
import dev.warden.core.catalog.RoleName;
import dev.warden.core.catalog.UserName;
import dev.warden.core.decision.Outcome;
import dev.warden.core.yaml.InvalidFileException;
import dev.warden.core.yaml.Position;
import dev.warden.core.yaml.Problems;
import dev.warden.core.yaml.YamlDocument;
import dev.warden.core.yaml.YamlNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reads a policy test file: a {@code catalog} (a path relative to the file, or a catalog written
 * inline) and a list of {@code cases}. The format is described in {@code docs/policy.md}.
 *
 * <p>Like the policy loader, it reports every problem of the file with its position before
 * rejecting it, and returns nothing of a rejected file.
 */
public final class CaseFileLoader {

  /** The most cases one file may hold. */
  public static final int MAX_CASES = 10_000;

  private static final int MAX_ITEMS = 1_000;
  private static final int MAX_TEXT = 4_096;
  private static final Set<String> FILE_KEYS = Set.of("catalog", "cases");
  private static final Set<String> CASE_KEYS =
      Set.of("name", "now", "given", "locks", "request", "expect");
  private static final Set<String> GIVEN_KEYS =
      Set.of(
          "id",
          "user",
          "roles",
          "resources",
          "reason",
          "ttl",
          "state",
          "created",
          "approved",
          "expires");
  private static final Set<String> REQUEST_KEYS =
      Set.of("id", "user", "roles", "resources", "reason", "ttl", "created");
  // inForce and resourceVersion are read and ignored, so that locks copied from the API's
  // answers can be pasted as they are; whether a lock is in force follows from its expiry.
  private static final Set<String> LOCK_KEYS =
      Set.of("id", "target", "message", "expires", "inForce", "resourceVersion");
  private static final Set<String> EXPECT_KEYS = Set.of("outcome", "rules", "locks");

  private final Problems problems;
  private final Catalog catalog;

  private CaseFileLoader(Problems problems, Catalog catalog) {
    this.problems = problems;
    this.catalog = catalog;
  }

  /**
   * Parses a test file.
   *
   * @param source the file name to use in messages
   * @param catalogs reads the catalog file the test file names, if it names one
   * @throws InvalidFileException with every problem of the file, or the errors of its catalog
   */
  public static CaseFile load(String source, String text, CatalogReader catalogs)
      throws InvalidFileException {
    Problems problems = new Problems(source);
    Optional<YamlNode.Mapping> root =
        YamlDocument.parse(text, problems).flatMap(node -> node.asMapping("the test file"));
    problems.throwIfErrors();
    YamlNode.Mapping file = root.orElseThrow(() -> new IllegalStateException("bug: no root"));
    file.rejectUnknownKeys(FILE_KEYS, "the test file");

    Optional<YamlNode> catalogNode = file.require("catalog", "the test file");
    Optional<Catalog> catalog =
        catalogNode.isEmpty() ? Optional.empty() : catalog(catalogNode.get(), catalogs, problems);
    Optional<YamlNode.Sequence> cases =
        file.require("cases", "the test file").flatMap(node -> node.asSequence("cases"));
    problems.throwIfErrors();

    CaseFileLoader loader = new CaseFileLoader(problems, catalog.orElseThrow());
    List<PolicyCase> read = loader.cases(cases.orElseThrow());
    problems.throwIfErrors();
    return new CaseFile(source, catalog.orElseThrow(), read);
  }

  private static Optional<Catalog> catalog(YamlNode node, CatalogReader catalogs, Problems problems)
      throws InvalidFileException {
    if (node instanceof YamlNode.Mapping inline) {
      return CatalogLoader.read(inline, problems);
    }
    Optional<String> path = node.asString("catalog", MAX_TEXT);
    if (path.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(catalogs.read(path.get()));
    } catch (CatalogReader.UnreadableException e) {
      problems.error(
          node.position(),
          "unreadable-catalog",
          "the catalog " + path.get() + " cannot be read: " + e.getMessage(),
          "name a catalog file relative to this file, or write the catalog inline");
      return Optional.empty();
    }
  }

  private List<PolicyCase> cases(YamlNode.Sequence sequence) {
    if (sequence.items().size() > MAX_CASES) {
      problems.error(
          sequence.position(),
          "too-many",
          "the file has " + sequence.items().size() + " cases; the limit is " + MAX_CASES);
      return List.of();
    }
    List<PolicyCase> cases = new ArrayList<>();
    Map<String, Position> names = new HashMap<>();
    for (YamlNode item : sequence.items()) {
      item.asMapping("each case")
          .flatMap(this::readCase)
          .ifPresent(
              c -> {
                Position first = names.putIfAbsent(c.name(), c.at());
                if (first != null) {
                  problems.error(
                      c.at(),
                      "duplicate-case-name",
                      "the case name '"
                          + c.name()
                          + "' is used twice; the first is at line "
                          + first.line());
                }
                cases.add(c);
              });
    }
    return cases;
  }

  private Optional<PolicyCase> readCase(YamlNode.Mapping node) {
    node.rejectUnknownKeys(CASE_KEYS, "a case");
    Optional<String> name = node.require("name", "a case").flatMap(n -> nonBlank(n, "name"));
    String where = name.map(n -> "case '" + n + "'").orElse("a case");
    Optional<Instant> now = node.require("now", where).flatMap(n -> n.asInstant("now of " + where));
    Instant at = now.orElse(Instant.EPOCH);
    List<AccessRequest> given = list(node, "given", where, item -> given(item, at));
    List<Lock> locks = list(node, "locks", where, this::lock);
    Optional<AccessRequest> request =
        node.get("request")
            .flatMap(r -> r.asMapping("request of " + where))
            .flatMap(r -> request(r, at));
    boolean requestOk = !node.has("request") || request.isPresent();
    Optional<Expectation> expect =
        node.require("expect", where)
            .flatMap(e -> e.asMapping("expect of " + where))
            .flatMap(this::expect);
    if (name.isEmpty() || now.isEmpty() || expect.isEmpty() || !requestOk || problems.hasErrors()) {
      return Optional.empty();
    }

    Optional<UserName> user = user(node, where, given, request.orElse(null));
    if (user.isEmpty() || !uniqueIds(node, where, given, request.orElse(null))) {
      return Optional.empty();
    }
    return Optional.of(
        new PolicyCase(
            name.get(),
            node.position(),
            now.get(),
            user.get(),
            given,
            locks,
            request.orElse(null),
            expect.get()));
  }

  /** The one user a case is about: every request of the case must be theirs. */
  private Optional<UserName> user(
      YamlNode.Mapping node,
      String where,
      List<AccessRequest> given,
      @Nullable AccessRequest request) {
    List<AccessRequest> all = new ArrayList<>(given);
    if (request != null) {
      all.add(0, request);
    }
    if (all.isEmpty()) {
      problems.error(
          node.position(),
          "missing-key",
          where + " needs a request, or given requests to resync",
          "a case decides one user's situation; without requests there is no user");
      return Optional.empty();
    }
    UserName user = all.get(0).user();
    for (AccessRequest other : all) {
      if (!other.user().equals(user)) {
        problems.error(
            node.position(),
            "mixed-users",
            where
                + ": request "
                + other.id()
                + " belongs to "
                + other.user()
                + ", but "
                + all.get(0).id()
                + " to "
                + user,
            "a case decides one user's situation; write a case per user");
        return Optional.empty();
      }
    }
    return Optional.of(user);
  }

  private boolean uniqueIds(
      YamlNode.Mapping node,
      String where,
      List<AccessRequest> given,
      @Nullable AccessRequest request) {
    Set<RequestId> seen = new java.util.HashSet<>();
    List<AccessRequest> all = new ArrayList<>(given);
    if (request != null) {
      all.add(request);
    }
    for (AccessRequest each : all) {
      if (!seen.add(each.id())) {
        problems.error(
            node.position(),
            "duplicate-request-id",
            where + " has two requests with the id " + each.id());
        return false;
      }
    }
    return true;
  }

  private Optional<AccessRequest> given(YamlNode item, Instant now) {
    Optional<YamlNode.Mapping> mapping = item.asMapping("each given request");
    if (mapping.isEmpty()) {
      return Optional.empty();
    }
    YamlNode.Mapping node = mapping.get();
    node.rejectUnknownKeys(GIVEN_KEYS, "a given request");
    Optional<RequestState> state =
        node.require("state", "a given request").flatMap(s -> choice(s, "state", states()));
    Optional<Instant> approved = optionalInstant(node, "approved");
    Optional<Instant> expires = optionalInstant(node, "expires");
    Optional<Fields> fields = fields(node, approved.orElse(now));
    if (state.isEmpty() || fields.isEmpty() || problems.hasErrors()) {
      return Optional.empty();
    }
    return build(node, fields.get(), state.get(), approved.orElse(null), expires.orElse(null));
  }

  private Optional<AccessRequest> build(
      YamlNode.Mapping node,
      Fields fields,
      RequestState state,
      @Nullable Instant approved,
      @Nullable Instant expires) {
    String what = "request " + fields.id();
    boolean needsApproval = state == RequestState.APPROVED;
    boolean mayHaveApproval = needsApproval || state == RequestState.EXPIRED;
    if (needsApproval && approved == null) {
      problems.error(node.position(), "missing-key", what + " is APPROVED and needs 'approved'");
      return Optional.empty();
    }
    if (!mayHaveApproval && (approved != null || expires != null)) {
      problems.error(
          node.position(),
          "unexpected-key",
          what + " is " + state + " and so has neither 'approved' nor 'expires'");
      return Optional.empty();
    }
    AccessRequest pending =
        AccessRequest.pending(
            fields.id(),
            fields.user(),
            fields.roles(),
            fields.resources(),
            fields.reason(),
            fields.ttl(),
            fields.created());
    if (approved == null) {
      return Optional.of(pending.withState(state));
    }
    AccessRequest granted = pending.approvedAt(approved, catalog);
    Instant ends = expires != null ? expires : granted.expires();
    return Optional.of(
        new AccessRequest(
            fields.id(),
            fields.user(),
            fields.roles(),
            fields.resources(),
            fields.reason(),
            fields.ttl(),
            state,
            fields.created(),
            approved,
            ends));
  }

  private Optional<AccessRequest> request(YamlNode.Mapping node, Instant now) {
    node.rejectUnknownKeys(REQUEST_KEYS, "the request (it is pending; state and times follow)");
    return fields(node, now)
        .map(
            f ->
                AccessRequest.pending(
                    f.id(), f.user(), f.roles(), f.resources(), f.reason(), f.ttl(), f.created()));
  }

  /** What every request has, whatever its state. */
  private record Fields(
      RequestId id,
      UserName user,
      List<RoleName> roles,
      List<ResourceId> resources,
      String reason,
      Duration ttl,
      Instant created) {}

  /**
   * Reads what every request has.
   *
   * @param createdDefault the creation time when none is written: the approval time for a given
   *     grant, otherwise the case's time
   */
  private Optional<Fields> fields(YamlNode.Mapping node, Instant createdDefault) {
    Optional<RequestId> id =
        node.require("id", "a request").flatMap(n -> identifier(n, "id", RequestId::of));
    String what = id.map(i -> "request " + i).orElse("a request");
    Optional<UserName> user =
        node.require("user", what).flatMap(n -> identifier(n, "user", UserName::of));
    List<RoleName> roles = names(node, "roles", RoleName::of);
    List<ResourceId> resources = names(node, "resources", ResourceId::of);
    Optional<String> reason =
        node.get("reason").map(r -> r.asString("reason", MAX_TEXT)).orElse(Optional.of(""));
    Optional<Duration> ttl = node.require("ttl", what).flatMap(t -> t.asDuration("ttl"));
    Optional<Instant> created = optionalInstant(node, "created");
    if (id.isEmpty() || user.isEmpty() || reason.isEmpty() || ttl.isEmpty()) {
      return Optional.empty();
    }
    if (roles.isEmpty() && resources.isEmpty()) {
      problems.error(node.position(), "missing-key", what + " asks for no role and no resource");
      return Optional.empty();
    }
    return Optional.of(
        new Fields(
            id.get(),
            user.get(),
            roles,
            resources,
            reason.get(),
            ttl.get(),
            created.orElse(createdDefault)));
  }

  private Optional<Lock> lock(YamlNode item) {
    Optional<YamlNode.Mapping> mapping = item.asMapping("each lock");
    if (mapping.isEmpty()) {
      return Optional.empty();
    }
    YamlNode.Mapping node = mapping.get();
    node.rejectUnknownKeys(LOCK_KEYS, "a lock");
    Optional<LockId> id =
        node.require("id", "a lock").flatMap(n -> identifier(n, "id", LockId::of));
    Optional<LockTarget> target =
        node.require("target", "a lock").flatMap(t -> t.asMapping("target")).flatMap(this::target);
    Optional<String> message =
        node.get("message").map(m -> m.asString("message", MAX_TEXT)).orElse(Optional.of(""));
    Optional<Instant> expires = optionalInstant(node, "expires");
    if (id.isEmpty() || target.isEmpty() || message.isEmpty() || problems.hasErrors()) {
      return Optional.empty();
    }
    return Optional.of(new Lock(id.get(), target.get(), message.get(), expires.orElse(null)));
  }

  private Optional<LockTarget> target(YamlNode.Mapping node) {
    node.rejectUnknownKeys(Set.of("request", "user", "role", "identity"), "a lock's target");
    if (node.entries().size() != 1) {
      problems.error(
          node.position(),
          "bad-target",
          "a lock's target names exactly one of request, user, role or identity, not "
              + node.entries().size(),
          "for example: target: {request: r1}");
      return Optional.empty();
    }
    YamlNode.Mapping.Entry entry = node.entries().iterator().next();
    return identifier(entry.value(), "target " + entry.key(), v -> LockTarget.of(entry.key(), v));
  }

  private Optional<Expectation> expect(YamlNode.Mapping node) {
    node.rejectUnknownKeys(EXPECT_KEYS, "expect");
    Optional<Outcome> outcome =
        node.require("outcome", "expect").flatMap(o -> choice(o, "outcome", outcomes()));
    Optional<List<String>> rules =
        node.get("rules").flatMap(r -> r.asStringList("rules", MAX_ITEMS, MAX_TEXT));
    Optional<List<String>> locks =
        node.get("locks").flatMap(l -> l.asStringList("locks", MAX_ITEMS, MAX_TEXT));
    if (outcome.isEmpty()
        || (node.has("rules") && rules.isEmpty())
        || (node.has("locks") && locks.isEmpty())) {
      return Optional.empty();
    }
    return Optional.of(new Expectation(outcome.get(), rules.orElse(null), locks.orElse(null)));
  }

  private <T> List<T> list(
      YamlNode.Mapping node, String key, String where, Function<YamlNode, Optional<T>> reader) {
    Optional<YamlNode> value = node.get(key);
    if (value.isEmpty() || (value.get() instanceof YamlNode.Scalar s && s.isNull())) {
      return List.of();
    }
    Optional<YamlNode.Sequence> sequence = value.get().asSequence(key + " of " + where);
    if (sequence.isEmpty()) {
      return List.of();
    }
    if (sequence.get().items().size() > MAX_ITEMS) {
      problems.error(
          sequence.get().position(),
          "too-many",
          key
              + " of "
              + where
              + " has "
              + sequence.get().items().size()
              + " items; the limit is "
              + MAX_ITEMS);
      return List.of();
    }
    List<T> values = new ArrayList<>();
    for (YamlNode item : sequence.get().items()) {
      reader.apply(item).ifPresent(values::add);
    }
    return values;
  }

  private <T> List<T> names(YamlNode.Mapping node, String key, Function<String, T> parse) {
    Optional<YamlNode> value = node.get(key);
    if (value.isEmpty()) {
      return List.of();
    }
    Optional<YamlNode.Sequence> sequence = value.get().asSequence(key);
    List<T> names = new ArrayList<>();
    for (YamlNode item : sequence.map(YamlNode.Sequence::items).orElse(List.of())) {
      identifier(item, "each of " + key, parse).ifPresent(names::add);
    }
    return names;
  }

  private Optional<Instant> optionalInstant(YamlNode.Mapping node, String key) {
    Optional<YamlNode> value = node.get(key);
    if (value.isEmpty() || (value.get() instanceof YamlNode.Scalar s && s.isNull())) {
      return Optional.empty();
    }
    return value.get().asInstant(key);
  }

  private <T> Optional<T> identifier(YamlNode node, String what, Function<String, T> parse) {
    Optional<String> text = node.asString(what, Identifiers.MAX_LENGTH);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse.apply(text.get()));
    } catch (IllegalArgumentException e) {
      problems.error(node.position(), "bad-name", e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<String> nonBlank(YamlNode node, String what) {
    Optional<String> text = node.asString(what, MAX_TEXT);
    if (text.isPresent() && text.get().isBlank()) {
      problems.error(node.position(), "empty-value", what + " must not be empty");
      return Optional.empty();
    }
    return text;
  }

  private <T> Optional<T> choice(YamlNode node, String what, Map<String, T> options) {
    Optional<String> text = node.asText(what);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    T value = options.get(text.get());
    if (value == null) {
      problems.error(
          node.position(),
          "unknown-value",
          what
              + " is '"
              + text.get()
              + "'; it must be one of "
              + String.join(", ", options.keySet()));
      return Optional.empty();
    }
    return Optional.of(value);
  }

  private static Map<String, RequestState> states() {
    Map<String, RequestState> byName = new java.util.LinkedHashMap<>();
    for (RequestState state : RequestState.values()) {
      byName.put(state.name(), state);
    }
    return byName;
  }

  private static Map<String, Outcome> outcomes() {
    Map<String, Outcome> byName = new java.util.LinkedHashMap<>();
    for (Outcome outcome : Outcome.values()) {
      byName.put(outcome.name(), outcome);
    }
    return byName;
  }
}
