package dev.warden.watcher.log;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.function.Supplier;

/**
 * Signs the decision log's checkpoints with the watcher's private key, so that a log rewritten from
 * its first record on, with every hash recomputed, still fails verification.
 */
public interface CheckpointSigner {

  /** Who signs: the identity's name and the serial of the certificate that holds its key. */
  DecisionEntry.Actor identity();

  /** The JCA name of the signature algorithm, such as {@code SHA256withECDSA}. */
  String algorithm();

  /** Signs {@code message}. */
  byte[] sign(byte[] message) throws GeneralSecurityException;

  /**
   * A signer over the current key of an identity that may be renewed while the watcher runs.
   *
   * @param key the private key in force; EC (P-256 and others), Ed25519 or RSA
   * @param identity the name and certificate serial that go with that key
   */
  static CheckpointSigner of(Supplier<PrivateKey> key, Supplier<DecisionEntry.Actor> identity) {
    return new CheckpointSigner() {
      @Override
      public DecisionEntry.Actor identity() {
        return identity.get();
      }

      @Override
      public String algorithm() {
        return algorithmFor(key.get());
      }

      @Override
      public byte[] sign(byte[] message) throws GeneralSecurityException {
        PrivateKey current = key.get();
        Signature signature = Signature.getInstance(algorithmFor(current));
        signature.initSign(current);
        signature.update(message);
        return signature.sign();
      }
    };
  }

  /** The signature algorithm Warden uses with a key of this kind. */
  static String algorithmFor(java.security.Key key) {
    return switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      case "RSA" -> "SHA256withRSA";
      default ->
          throw new IllegalArgumentException(
              "a " + key.getAlgorithm() + " key cannot sign checkpoints; use EC, Ed25519 or RSA");
    };
  }
}
