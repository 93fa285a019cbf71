package org.fedfhir.securecompute.crypto;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What a ciphertext or signature is bound to: the study, the round, the protocol stage, the sender
 * and the recipient (0 for "everyone"). Its {@link #encode() canonical encoding} is used as AES-GCM
 * associated data and as a signature prefix, so a message moved to another study, round, stage or
 * pair of parties no longer authenticates.
 */
public record Binding(String study, long round, String stage, int sender, int recipient) {

  private static final byte[] DOMAIN = "fedfhir/binding/v1".getBytes(StandardCharsets.UTF_8);

  public Binding {
    if (study == null || study.isBlank()) {
      throw new IllegalArgumentException("study must be named");
    }
    if (stage == null || stage.isBlank()) {
      throw new IllegalArgumentException("stage must be named");
    }
  }

  /** Unambiguous bytes: domain tag, then length-prefixed fields. */
  public byte[] encode() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + study.length());
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(DOMAIN);
      writeString(out, study);
      out.writeLong(round);
      writeString(out, stage);
      out.writeInt(sender);
      out.writeInt(recipient);
      return bytes.toByteArray();
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }
}
