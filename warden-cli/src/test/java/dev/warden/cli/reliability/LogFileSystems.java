package dev.warden.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.cli.e2e.WardenProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * File systems for a decision log that fail the way real ones do, each mounted for one test and
 * unmounted by closing it. They need root (or CAP_SYS_ADMIN); without it the test is skipped and
 * says why, which CI reports as a failure because it runs as root.
 *
 * <p>How a log is made unwritable matters, because the watcher keeps its log open. Taking write
 * permission away (chmod) changes nothing for a descriptor already open, and root ignores it
 * anyway; {@code mount -o remount,ro} refuses with EBUSY while any file is open for writing. What
 * does fail writes through an open descriptor is what happens on real machines: the file system
 * fills up ({@link SmallTmpfs}), the kernel turns the file system read-only after an error ({@link
 * ErroringExt4}), or the storage stops answering and fsync blocks ({@link HangingFuse}).
 */
final class LogFileSystems {

  private LogFileSystems() {}

  /** A 1 MiB tmpfs that the test fills to its last byte, so that the log's next write fails. */
  static final class SmallTmpfs implements AutoCloseable {
    private final Path mount;
    private Path filler;

    private SmallTmpfs(Path mount) {
      this.mount = mount;
    }

    static SmallTmpfs mount(Path directory) throws IOException {
      Path mount = Files.createDirectory(directory.resolve("full-fs"));
      requireRoot(
          run("mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "warden-full", mount.toString()),
          "mount a tmpfs to fill");
      return new SmallTmpfs(mount);
    }

    Path path() {
      return mount;
    }

    /**
     * Fills the file system with a filler file. A log that is still empty owns no partly used page
     * that a small record could still fit in, so its very first write fails; a log with records in
     * it could absorb up to a page more before it failed, as on any real disk.
     */
    void fill() throws IOException {
      filler = mount.resolve("filler");
      try (OutputStream out = Files.newOutputStream(filler)) {
        for (int chunk = 64 * 1024; chunk >= 1; chunk /= 2) {
          byte[] bytes = new byte[chunk];
          try {
            while (true) {
              out.write(bytes);
              out.flush();
            }
          } catch (IOException full) {
            // This chunk no longer fits; a smaller one may.
          }
        }
      } catch (IOException closing) {
        // Closing may fail to flush the last bytes of a full file system; the file stays.
      }
      assertThatThrownBy(() -> Files.writeString(mount.resolve("probe"), "x"))
          .as("the file system is full")
          .hasMessageContaining("No space left on device");
    }

    /** Deletes the filler: space returns, as when an operator cleans up a full disk. */
    void free() throws IOException {
      Files.delete(filler);
    }

    @Override
    public void close() throws IOException {
      unmount(mount);
    }
  }

  /**
   * An ext4 file system on a loop device, mounted with {@code errors=remount-ro}, that the test
   * makes fail through ext4's own error path ({@code /sys/fs/ext4/DEV/trigger_fs_error}): the
   * kernel aborts the journal and turns the file system read-only under every open descriptor,
   * exactly as after a disk error, and each write returns EROFS from then on.
   *
   * <p>The kernel does not let such a file system become writable again while it is mounted ({@code
   * mount -o remount,rw} leaves it read-only); recovery is what an operator does: stop the writer,
   * unmount, {@code e2fsck}, mount again.
   */
  static final class ErroringExt4 implements AutoCloseable {
    private final Path image;
    private final Path mount;
    private boolean mounted;

    private ErroringExt4(Path image, Path mount) {
      this.image = image;
      this.mount = mount;
    }

    static ErroringExt4 create(Path directory) throws IOException {
      Path image = directory.resolve("ext4.img");
      Path mount = Files.createDirectory(directory.resolve("ext4-fs"));
      try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
        file.setLength(16L << 20);
      }
      Result made = run("mkfs.ext4", "-q", "-F", image.toString());
      assertThat(made.exit()).as("mkfs.ext4: " + made.output()).isZero();
      ErroringExt4 fs = new ErroringExt4(image, mount);
      fs.mountImage();
      return fs;
    }

    private void mountImage() {
      requireRoot(
          run("mount", "-o", "loop,errors=remount-ro", image.toString(), mount.toString()),
          "mount an ext4 image on a loop device");
      mounted = true;
    }

    Path path() {
      return mount;
    }

    /** Has ext4 report an error, which turns the file system read-only at once. */
    void fail() throws IOException {
      Result source = run("findmnt", "-n", "-o", "SOURCE", mount.toString());
      String device = Path.of(source.output().trim()).getFileName().toString();
      Files.writeString(
          Path.of("/sys/fs/ext4", device, "trigger_fs_error"), "warden reliability suite");
      assertThatThrownBy(() -> Files.writeString(mount.resolve("probe"), "x"))
          .as("ext4 turned the file system read-only")
          .hasMessageContaining("Read-only file system");
    }

    /** Unmounts, repairs with {@code e2fsck -fy}, and mounts again; the writer must be stopped. */
    void repair() {
      unmount(mount);
      mounted = false;
      Result checked = run("e2fsck", "-fy", image.toString());
      // 0: clean; 1: errors corrected. Anything else means the file system is beyond repair.
      assertThat(checked.exit()).as("e2fsck: " + checked.output()).isBetween(0, 1);
      mountImage();
    }

    @Override
    public void close() {
      if (mounted) {
        unmount(mount);
      }
    }
  }

  /**
   * A FUSE file system served by {@code warden-cli/src/test/python/faultfs.py}: a pass-through view
   * of a backing directory whose fsync can be held, so that the writer's fsync(2) really blocks in
   * the kernel until it is released, as on storage that stopped answering. It needs /dev/fuse and
   * root, not libfuse or fusermount. The test reads the log from the backing directory, which
   * blocks on nothing.
   */
  static final class HangingFuse implements AutoCloseable {
    private final Process daemon;
    private final Writer commands;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final Path backing;
    private final Path mount;

    private HangingFuse(Process daemon, Path backing, Path mount) {
      this.daemon = daemon;
      this.backing = backing;
      this.mount = mount;
      this.commands = new OutputStreamWriter(daemon.getOutputStream(), StandardCharsets.UTF_8);
      Thread.ofPlatform().daemon().start(this::readReplies);
    }

    static HangingFuse mount(Path directory) throws IOException {
      Assumptions.assumeTrue(
          Files.exists(Path.of("/dev/fuse")),
          "there is no /dev/fuse here, so fsync cannot be made to hang in the kernel; skipped");
      Path backing = Files.createDirectory(directory.resolve("fuse-backing"));
      Path mount = Files.createDirectory(directory.resolve("fuse-fs"));
      Path script = WardenProcess.root().resolve("warden-cli/src/test/python/faultfs.py");
      Process daemon =
          new ProcessBuilder("python3", script.toString(), backing.toString(), mount.toString())
              .redirectError(directory.resolve("faultfs.err").toFile())
              .start();
      HangingFuse fs = new HangingFuse(daemon, backing, mount);
      String first = fs.reply(Duration.ofSeconds(20));
      if (!"mounted".equals(first)) {
        daemon.destroyForcibly();
        String why = Files.readString(directory.resolve("faultfs.err"));
        Assumptions.assumeTrue(
            false, "faultfs.py could not mount a FUSE file system (needs root); skipped: " + why);
      }
      return fs;
    }

    /** Where the watcher writes. */
    Path path() {
      return mount;
    }

    /** The same files, read past the FUSE layer. */
    Path backing() {
      return backing;
    }

    /** From now on no fsync is answered. */
    void hold() throws IOException {
      command("hold", "holding");
    }

    /** Answers every held fsync and stops holding. */
    void release() throws IOException {
      command("release", "released");
    }

    /** How many fsyncs are being held right now. */
    int held() throws IOException {
      send("status");
      String status = awaitReply("status ");
      return Integer.parseInt(status.replaceAll(".*held=(\\d+).*", "$1"));
    }

    private void command(String command, String acknowledgement) throws IOException {
      send(command);
      awaitReply(acknowledgement);
    }

    private void send(String command) throws IOException {
      commands.write(command + "\n");
      commands.flush();
    }

    private String awaitReply(String prefix) {
      while (true) {
        String line = reply(Duration.ofSeconds(20));
        if (line == null) {
          throw new AssertionError("faultfs.py did not answer " + prefix + " within 20 s");
        }
        if (line.startsWith(prefix)) {
          return line;
        }
      }
    }

    private String reply(Duration timeout) {
      try {
        return replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    private void readReplies() {
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          replies.add(line);
        }
      } catch (IOException e) {
        // The daemon is gone; waiting callers time out and say so.
      }
    }

    /**
     * Ends the daemon: the end of its input releases every held fsync and unmounts. Close the
     * writer first, or the unmount is only lazy until the writer lets go.
     */
    @Override
    public void close() throws IOException, InterruptedException {
      commands.close();
      if (!daemon.waitFor(20, TimeUnit.SECONDS)) {
        daemon.destroyForcibly();
      }
      run("umount", "-l", mount.toString());
    }
  }

  /** What a command printed and how it exited. */
  record Result(int exit, String output) {}

  static Result run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(List.of(command) + " did not finish within 60 s");
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + List.of(command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void requireRoot(Result mounted, String what) {
    Assumptions.assumeTrue(
        mounted.exit() == 0,
        "cannot "
            + what
            + " here (needs root or CAP_SYS_ADMIN), so the log cannot be made to fail; skipped: "
            + mounted.output().trim());
  }

  private static void unmount(Path mount) {
    if (run("umount", mount.toString()).exit() != 0) {
      run("umount", "-l", mount.toString());
    }
  }
}
