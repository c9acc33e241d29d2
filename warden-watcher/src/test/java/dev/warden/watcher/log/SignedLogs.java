package dev.warden.watcher.log;

import dev.warden.broker.ca.CertificateAuthority;
import dev.warden.broker.ca.IssuedIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Writes real decision logs with signed checkpoints, under an identity from a real CA. */
final class SignedLogs {

  static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

  private SignedLogs() {}

  /** A watcher identity issued by a fresh CA in {@code directory}. */
  static IssuedIdentity watcher(Path directory) throws Exception {
    CertificateAuthority ca = CertificateAuthority.openOrCreate(directory.resolve("ca"), T0);
    return ca.issueIdentity("watcher", List.of("watcher"), Duration.ofDays(1), T0);
  }

  static CheckpointSigner signer(IssuedIdentity identity) {
    DecisionEntry.Actor actor =
        new DecisionEntry.Actor("watcher", identity.certificate().getSerialNumber().toString(16));
    return CheckpointSigner.of(identity::key, () -> actor);
  }

  /**
   * Appends {@code count} decision records to the log at {@code file}, signing a checkpoint every
   * {@code every} records and at close.
   */
  static void write(Path file, IssuedIdentity identity, int count, int every) throws Exception {
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    try (DecisionLog log = DecisionLog.open(file, clock, Duration.ofSeconds(30))) {
      log.signCheckpoints(signer(identity), every);
      List<CompletableFuture<Appended>> pending = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        DecisionEntry entry = Entries.approval("d-" + i, i % 7 == 0 ? "zoë" : "alice", "r" + i);
        pending.add(log.submit(i % 2 == 0 ? "intent" : "outcome", entry.toJson()));
        if (pending.size() == 2000) {
          CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get();
          pending.clear();
        }
      }
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get();
    }
  }

  static List<byte[]> lines(Path file) throws Exception {
    byte[] content = Files.readAllBytes(file);
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < content.length; i++) {
      if (content[i] == '\n') {
        lines.add(java.util.Arrays.copyOfRange(content, start, i + 1));
        start = i + 1;
      }
    }
    return lines;
  }

  static byte[] join(List<byte[]> lines) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    lines.forEach(out::writeBytes);
    return out.toByteArray();
  }
}
