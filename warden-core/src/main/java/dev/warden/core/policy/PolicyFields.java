package dev.warden.core.policy;

import dev.warden.core.Identifiers;
import dev.warden.core.yaml.Suggestions;
import dev.warden.core.yaml.YamlNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reading of the values of a policy file that {@link YamlNode} does not cover: limited text,
 * identifiers and choices among fixed words. Like {@link YamlNode}, each records what is wrong and
 * returns empty.
 */
final class PolicyFields {

  /** The longest string a policy may hold, in UTF-8 bytes. */
  static final int MAX_TEXT_BYTES = 4096;

  private PolicyFields() {}

  /** A string of at most {@link #MAX_TEXT_BYTES} bytes. */
  static Optional<String> text(YamlNode node, String what) {
    Optional<String> text = node.asString(what, MAX_TEXT_BYTES);
    if (text.isEmpty()) {
      return text;
    }
    int bytes = text.get().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_TEXT_BYTES) {
      node.problems()
          .error(
              node.position(),
              "too-long",
              what + " is " + bytes + " bytes long in UTF-8; the limit is " + MAX_TEXT_BYTES);
      return Optional.empty();
    }
    return text;
  }

  /** A string with at least one character that is not white space. */
  static Optional<String> nonBlank(YamlNode node, String what) {
    Optional<String> text = text(node, what);
    if (text.isPresent() && text.get().isBlank()) {
      node.problems().error(node.position(), "empty-value", what + " must not be empty");
      return Optional.empty();
    }
    return text;
  }

  /** A safe identifier (see {@link Identifiers}) of at most {@code maxLength} characters. */
  static Optional<String> identifier(YamlNode node, String what, int maxLength, String why) {
    Optional<String> text = text(node, what);
    if (text.isEmpty()) {
      return text;
    }
    try {
      Identifiers.requireSafe(what, text.get());
    } catch (IllegalArgumentException e) {
      node.problems().error(node.position(), "bad-name", e.getMessage());
      return Optional.empty();
    }
    if (text.get().length() > maxLength) {
      node.problems()
          .error(
              node.position(),
              "too-long",
              what
                  + " '"
                  + text.get()
                  + "' is "
                  + text.get().length()
                  + " characters long; the limit is "
                  + maxLength,
              why);
      return Optional.empty();
    }
    return text;
  }

  /** One of the words in {@code options}, spelt exactly; suggests the closest on a miss. */
  static <T> Optional<T> choice(YamlNode node, String what, Map<String, T> options) {
    Optional<String> text = node.asText(what);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    T value = options.get(text.get());
    if (value != null) {
      return Optional.of(value);
    }
    String all = String.join(", ", options.keySet());
    String closest = Suggestions.closest(text.get(), options.keySet());
    node.problems()
        .error(
            node.position(),
            "unknown-value",
            what + " is '" + text.get() + "'; it must be one of " + all,
            closest == null ? null : "did you mean '" + closest + "'?");
    return Optional.empty();
  }

  /** The choice under {@code key}, or {@code fallback} when the key is absent. */
  static <T> Optional<T> choice(
      YamlNode.Mapping mapping, String key, String what, Map<String, T> options, T fallback) {
    Optional<YamlNode> node = mapping.get(key);
    return node.isEmpty() ? Optional.of(fallback) : choice(node.get(), what, options);
  }
}
