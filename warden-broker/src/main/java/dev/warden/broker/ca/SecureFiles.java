package dev.warden.broker.ca;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/** Writes files readable by their owner only, and checks that a secret file still is. */
public final class SecureFiles {

  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private SecureFiles() {}

  /**
   * Writes {@code text} to {@code file} with mode 0600, replacing it atomically, so the secret is
   * never on disk with wider permissions, not even for a moment. The content is forced to disk
   * before the rename and the rename after it, so a crash leaves the old file or the new one.
   */
  public static void writeSecret(Path file, String text) throws IOException {
    Path temporary =
        Files.createTempFile(
            file.toAbsolutePath().getParent(),
            "." + file.getFileName(),
            ".tmp",
            PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    Files.setPosixFilePermissions(temporary, OWNER_ONLY);
    writeDurably(temporary, text);
    move(temporary, file);
  }

  /** Writes a file that is not secret (a certificate), replacing it atomically and durably. */
  public static void writePublic(Path file, String text) throws IOException {
    Path temporary =
        Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
    Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
    writeDurably(temporary, text);
    move(temporary, file);
  }

  /**
   * Fails when a secret file can be read by its group or by others.
   *
   * @throws IllegalStateException naming the file, its mode and the fix
   */
  public static void requireOwnerOnly(Path file) throws IOException {
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
    if (mode.contains(PosixFilePermission.GROUP_READ)
        || mode.contains(PosixFilePermission.OTHERS_READ)) {
      throw new IllegalStateException(
          file
              + " is readable by its group or others (mode "
              + PosixFilePermissions.toString(mode)
              + "); a CA key must be readable by its owner only: run chmod 600 "
              + file);
    }
  }

  private static void writeDurably(Path file, String text) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(true);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
    forceDirectory(to.toAbsolutePath().getParent());
  }

  /** Makes a rename in {@code directory} durable; where directories cannot be opened, it is not. */
  private static void forceDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some platforms and file systems refuse to open or sync a directory; the rename is still
      // atomic there, only its durability across a power cut is the file system's own.
    }
  }
}
