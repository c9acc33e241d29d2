package dev.warden.cli.bench;

import dev.warden.broker.ca.CertificateAuthority;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The temporary directory of one run: catalog, policy, broker data with its CA, identities, watcher
 * configuration, decision log and the two processes' logs. Removed when closed.
 */
final class Workspace implements AutoCloseable {

  private static final Duration IDENTITY_TTL = Duration.ofHours(24);

  private final Path root;

  private Workspace(Path root) {
    this.root = root;
  }

  static Workspace create(String label) throws IOException {
    return new Workspace(Files.createTempDirectory("warden-bench-" + label + "-"));
  }

  Path root() {
    return root;
  }

  Path catalog() {
    return root.resolve("catalog.yaml");
  }

  Path policy() {
    return root.resolve("policy.yaml");
  }

  Path data() {
    return root.resolve("data");
  }

  Path identity(String name) {
    return root.resolve("identities").resolve(name);
  }

  Path decisionLog() {
    return root.resolve("decisions.jsonl");
  }

  Path watcherConfig() {
    return root.resolve("watcher.yaml");
  }

  Path log(String process) {
    return root.resolve(process + ".log");
  }

  /**
   * Issues an identity with the broker's CA, creating the CA on first use. Done before the broker
   * starts, so that its first read of the CA's index already knows every identity.
   */
  void issueIdentity(String name, String role) throws IOException {
    Instant now = Instant.now();
    CertificateAuthority ca = CertificateAuthority.openOrCreate(data().resolve("ca"), now);
    ca.issueIdentity(name, List.of(role), IDENTITY_TTL, now).writeTo(identity(name));
  }

  @Override
  public void close() throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path directory, IOException e)
              throws IOException {
            Files.delete(directory);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
