package dev.warden.watcher;

import dev.warden.core.policy.Policy;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.yaml.InvalidFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a policy file, turning every way it can be unusable into one message. */
final class PolicyFile {

  private PolicyFile() {}

  /**
   * Loads the policy at {@code path}.
   *
   * @throws InvalidPolicyException with the file's positioned errors, or why it cannot be read
   */
  static Policy load(Path path) throws InvalidPolicyException {
    byte[] bytes;
    try {
      if (Files.size(path) > dev.warden.core.yaml.YamlDocument.MAX_CHARACTERS * 4L) {
        throw new InvalidPolicyException(path + ": the file is too large to be a policy");
      }
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new InvalidPolicyException(path + ": cannot read the policy: " + e.getMessage());
    }
    try {
      // From the bytes, so that a byte that is not UTF-8 is an error with its line and column.
      return PolicyLoader.loadWithPositions(path.toString(), bytes).policy();
    } catch (InvalidFileException e) {
      throw new InvalidPolicyException(e.getMessage());
    }
  }

  /** A policy that cannot be put in force; the message lists every problem. */
  static final class InvalidPolicyException extends Exception {
    InvalidPolicyException(String message) {
      super(message);
    }
  }
}
