package dev.warden.cli.reliability.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The valid files the mutations start from: the repository's examples, the YAML blocks of its
 * documentation, and the corpus. Read from the working tree rather than copied, so that a new
 * example or rule type is fuzzed as soon as it is documented.
 */
final class Seeds {

  private static final Pattern YAML_BLOCK = Pattern.compile("(?s)```yaml\\n(.*?)```");

  private static final int MAX_SEED_BYTES = 8192;

  private Seeds() {}

  /** The repository root: {@code warden.root} under Failsafe, else found from the module. */
  static Path root() {
    String given = System.getProperty("warden.root");
    if (given != null && !given.isBlank()) {
      return Path.of(given).toAbsolutePath().normalize();
    }
    Path here = Path.of("").toAbsolutePath();
    for (Path dir = here; dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("examples").resolve("policy.yaml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no repository root above " + here);
  }

  /** The directory of one target's corpus, such as {@code fuzz-corpus/policy-loader}. */
  static Path corpus(String target) {
    return root().resolve("warden-cli/src/test/resources/fuzz-corpus").resolve(target).normalize();
  }

  /** The corpus files of a target, sorted by name. */
  static List<Path> corpusFiles(String target) {
    Path directory = corpus(target);
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String examplePolicy() {
    return read(root().resolve("examples/policy.yaml"));
  }

  static String exampleCatalog() {
    return read(root().resolve("examples/catalog.yaml"));
  }

  /** Every valid policy the repository holds, and the small valid UTF-8 files of its corpus. */
  static List<String> policies() {
    List<String> seeds = new ArrayList<>();
    seeds.add(examplePolicy());
    seeds.add(
        read(
            root()
                .resolve(
                    "warden-core/src/test/resources/dev/warden/core/policy/full-policy.yaml")));
    for (String block : yamlBlocks(root().resolve("docs/policy.md"))) {
      if (block.contains("kind: Policy")) {
        seeds.add(block);
      }
    }
    seeds.addAll(corpusTexts("policy-loader"));
    return seeds;
  }

  /** Every valid catalog the repository holds, and the small valid UTF-8 files of its corpus. */
  static List<String> catalogs() {
    List<String> seeds = new ArrayList<>();
    seeds.add(exampleCatalog());
    seeds.addAll(corpusTexts("catalog-loader"));
    return seeds;
  }

  /**
   * The corpus files that make good seeds: valid UTF-8 and small. The large ones, deeply nested
   * files kept because they once broke a loader, would only slow every mutation down.
   */
  private static List<String> corpusTexts(String target) {
    List<String> texts = new ArrayList<>();
    for (Path file : corpusFiles(target)) {
      byte[] bytes = readBytes(file);
      if (bytes.length > MAX_SEED_BYTES) {
        continue;
      }
      String text = new String(bytes, StandardCharsets.UTF_8);
      if (java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes)) {
        texts.add(text);
      }
    }
    return texts;
  }

  private static List<String> yamlBlocks(Path markdown) {
    List<String> blocks = new ArrayList<>();
    Matcher matcher = YAML_BLOCK.matcher(read(markdown));
    while (matcher.find()) {
      blocks.add(matcher.group(1));
    }
    return blocks;
  }

  static String read(Path file) {
    return new String(readBytes(file), StandardCharsets.UTF_8);
  }

  static byte[] readBytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
