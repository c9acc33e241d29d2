package dev.warden.core.catalog;

import dev.warden.core.Identifiers;
import dev.warden.core.yaml.InvalidFileException;
import dev.warden.core.yaml.Position;
import dev.warden.core.yaml.Problems;
import dev.warden.core.yaml.YamlDocument;
import dev.warden.core.yaml.YamlNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reads a catalog file: {@code roles}, {@code resources} and {@code users}, each a list.
 *
 * <p>Every problem of the file is collected before it is rejected, and nothing of a rejected file
 * is returned, so a caller that keeps its previous catalog on error keeps it whole.
 */
public final class CatalogLoader {

  /** The most entries of each kind a catalog may hold. */
  public static final int MAX_ENTRIES = 100_000;

  static final int MAX_LABELS = 64;
  static final int MAX_TEXT = 1024;

  private CatalogLoader() {}

  /**
   * Parses a catalog.
   *
   * @param source the file name to use in messages
   * @param text the file's contents
   * @throws InvalidFileException with every problem found, each with its line and column
   */
  public static Catalog load(String source, String text) throws InvalidFileException {
    Problems problems = new Problems(source);
    Optional<Catalog> catalog =
        YamlDocument.parse(text, problems)
            .flatMap(root -> root.asMapping("the catalog"))
            .flatMap(root -> read(root, problems));
    problems.throwIfErrors();
    return catalog.orElseThrow(() -> new IllegalStateException("bug: no catalog and no error"));
  }

  /**
   * Parses a catalog file's bytes, which must be UTF-8; where they are not is a positioned error
   * like any other.
   *
   * @see #load(String, String)
   */
  public static Catalog load(String source, byte[] bytes) throws InvalidFileException {
    Problems problems = new Problems(source);
    Optional<String> text = YamlDocument.decode(bytes, problems);
    problems.throwIfErrors();
    return load(source, text.orElseThrow());
  }

  /** Reads a catalog given inline inside another file, such as a policy test file. */
  public static Optional<Catalog> read(YamlNode.Mapping root, Problems problems) {
    root.rejectUnknownKeys(Set.of("roles", "resources", "users"), "the catalog");
    List<Role> roles = readList(root, "roles", "name", CatalogLoader::readRole, problems);
    List<Resource> resources =
        readList(root, "resources", "id", CatalogLoader::readResource, problems);
    List<User> users = readList(root, "users", "name", CatalogLoader::readUser, problems);
    if (problems.hasErrors()) {
      return Optional.empty();
    }
    return Optional.of(new Catalog(roles, resources, users));
  }

  private static <T> List<T> readList(
      YamlNode.Mapping root,
      String key,
      String nameKey,
      Function<YamlNode.Mapping, Optional<T>> reader,
      Problems problems) {
    Optional<YamlNode> node = root.get(key);
    if (node.isEmpty() || (node.get() instanceof YamlNode.Scalar scalar && scalar.isNull())) {
      return List.of();
    }
    Optional<YamlNode.Sequence> sequence = node.get().asSequence(key);
    if (sequence.isEmpty()) {
      return List.of();
    }
    if (sequence.get().items().size() > MAX_ENTRIES) {
      problems.error(
          sequence.get().position(),
          "too-many",
          key + " has " + sequence.get().items().size() + " entries; the limit is " + MAX_ENTRIES);
      return List.of();
    }
    List<T> values = new ArrayList<>();
    Map<String, Position> seen = new HashMap<>();
    for (YamlNode item : sequence.get().items()) {
      Optional<YamlNode.Mapping> entry = item.asMapping("each entry of " + key);
      if (entry.isEmpty()) {
        continue;
      }
      // Duplicates are found by the name as written, before the entry is validated, so that a
      // repeated name is reported even when one of its entries has another problem.
      Optional<String> name = writtenName(entry.get(), nameKey);
      Position first = name.map(n -> seen.putIfAbsent(n, item.position())).orElse(null);
      if (first != null) {
        problems.error(
            item.position(),
            "duplicate-name",
            key + " lists '" + name.get() + "' twice; the first is at line " + first.line());
      }
      Optional<T> value = reader.apply(entry.get());
      if (value.isPresent() && first == null) {
        values.add(value.get());
      }
    }
    return values;
  }

  private static Optional<String> writtenName(YamlNode.Mapping entry, String nameKey) {
    return entry
        .get(nameKey)
        .filter(YamlNode.Scalar.class::isInstance)
        .map(YamlNode.Scalar.class::cast)
        .filter(scalar -> !scalar.isNull())
        .map(YamlNode.Scalar::text);
  }

  private static Optional<Role> readRole(YamlNode.Mapping node) {
    node.rejectUnknownKeys(Set.of("name", "labels", "maxTtl"), "a role");
    Optional<RoleName> name = identifier(node, "name", "a role", RoleName::of);
    Map<String, String> labels = labels(node);
    @Nullable Duration maxTtl = null;
    boolean ok = true;
    Optional<YamlNode> ttlNode = node.get("maxTtl");
    if (ttlNode.isPresent()) {
      Optional<Duration> ttl = ttlNode.get().asDuration("maxTtl");
      ok = ttl.isPresent();
      maxTtl = ttl.orElse(null);
    }
    if (name.isEmpty() || labels == null || !ok) {
      return Optional.empty();
    }
    return Optional.of(new Role(name.get(), labels, maxTtl));
  }

  private static Optional<Resource> readResource(YamlNode.Mapping node) {
    node.rejectUnknownKeys(Set.of("id", "labels"), "a resource");
    Optional<ResourceId> id = identifier(node, "id", "a resource", ResourceId::of);
    Map<String, String> labels = labels(node);
    if (id.isEmpty() || labels == null) {
      return Optional.empty();
    }
    return Optional.of(new Resource(id.get(), labels));
  }

  private static Optional<User> readUser(YamlNode.Mapping node) {
    node.rejectUnknownKeys(Set.of("name", "traits"), "a user");
    Optional<UserName> name = identifier(node, "name", "a user", UserName::of);
    Map<String, List<String>> traits = new LinkedHashMap<>();
    boolean ok = true;
    Optional<YamlNode> traitsNode = node.get("traits");
    if (traitsNode.isPresent()) {
      Optional<YamlNode.Mapping> mapping = traitsNode.get().asMapping("traits");
      ok = mapping.isPresent();
      for (YamlNode.Mapping.Entry entry :
          mapping.map(YamlNode.Mapping::entries).orElse(List.of())) {
        Optional<List<String>> values =
            entry.value().asStringList("trait '" + entry.key() + "'", MAX_LABELS, MAX_TEXT);
        if (values.isPresent()) {
          traits.put(entry.key(), values.get());
        } else {
          ok = false;
        }
      }
    }
    if (name.isEmpty() || !ok) {
      return Optional.empty();
    }
    return Optional.of(new User(name.get(), traits));
  }

  private static <T> Optional<T> identifier(
      YamlNode.Mapping node, String key, String where, Function<String, T> parse) {
    Optional<YamlNode> value = node.require(key, where);
    Optional<String> text = value.flatMap(v -> v.asString(key, Identifiers.MAX_LENGTH));
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse.apply(text.get()));
    } catch (IllegalArgumentException e) {
      node.problems().error(value.get().position(), "bad-name", e.getMessage());
      return Optional.empty();
    }
  }

  /** The labels of an entry, or null when they are malformed (after recording why). */
  private static @Nullable Map<String, String> labels(YamlNode.Mapping node) {
    Optional<YamlNode> labelsNode = node.get("labels");
    if (labelsNode.isEmpty()) {
      return Map.of();
    }
    Optional<YamlNode.Mapping> mapping = labelsNode.get().asMapping("labels");
    if (mapping.isEmpty()) {
      return null;
    }
    if (mapping.get().entries().size() > MAX_LABELS) {
      node.problems()
          .error(
              mapping.get().position(),
              "too-many",
              "an entry has "
                  + mapping.get().entries().size()
                  + " labels; the limit is "
                  + MAX_LABELS);
      return null;
    }
    Map<String, String> labels = new LinkedHashMap<>();
    boolean ok = true;
    for (YamlNode.Mapping.Entry entry : mapping.get().entries()) {
      Optional<String> value = entry.value().asString("label '" + entry.key() + "'", MAX_TEXT);
      if (value.isPresent()) {
        labels.put(entry.key(), value.get());
      } else {
        ok = false;
      }
    }
    return ok ? labels : null;
  }
}
