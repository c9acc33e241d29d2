package dev.warden.watcher.log;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The checkpoint record's signed content, shared by the writer and the verifier so that both sign
 * and check exactly the same bytes.
 *
 * <p>A checkpoint's {@code checkpoint} object holds {@code seq} and {@code hash} of the record
 * before it (the chain head it vouches for), the {@code reason} it was written ({@code interval} or
 * {@code shutdown}), {@code every} (the interval in records), the signer's certificate {@code
 * serial}, the {@code algorithm} and the {@code signature}. The signature is over the canonical
 * JSON of that object without {@code signature}, in UTF-8.
 */
final class Checkpoints {

  static final String PHASE = "checkpoint";
  static final String INTERVAL = "interval";
  static final String SHUTDOWN = "shutdown";

  private Checkpoints() {}

  /** The checkpoint object before it is signed. */
  static Map<String, Object> unsigned(
      long seq, String hash, String reason, int every, String serial, String algorithm) {
    Map<String, Object> checkpoint = new LinkedHashMap<>();
    checkpoint.put("seq", seq);
    checkpoint.put("hash", hash);
    checkpoint.put("reason", reason);
    checkpoint.put("every", (long) every);
    checkpoint.put("serial", serial);
    checkpoint.put("algorithm", algorithm);
    return checkpoint;
  }

  /** The bytes a checkpoint's signature is made over. */
  static byte[] signedBytes(Map<String, Object> checkpoint) {
    Map<String, Object> content = new LinkedHashMap<>(checkpoint);
    content.remove("signature");
    return CanonicalJson.write(content).getBytes(StandardCharsets.UTF_8);
  }
}
