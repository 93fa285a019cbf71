package org.fedfhir.cli.cleanroom;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.fedfhir.securecompute.sealing.SealingKeyPair;

/**
 * A researcher's clean-room result key on disk: a comment line, then the 32-byte secret seed in
 * base64 (RFC 9180 {@code DeriveKeyPair} makes the X25519 pair from it). Written owner-only
 * ({@code rw-------}) where the file system has POSIX permissions, never over an existing file.
 */
public final class ResultKeyFile {

  static final String HEADER = "# FedFHIR clean-room result key (X25519 seed): keep it secret; the study names its public key";

  private ResultKeyFile() {}

  /** Writes a fresh key to {@code file}; returns the pair (its public key goes into the study). */
  public static SealingKeyPair create(Path file, SecureRandom random) throws IOException {
    byte[] seed = new byte[32];
    random.nextBytes(seed);
    try {
      String text = HEADER + "\n" + Base64.getEncoder().encodeToString(seed) + "\n";
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      }
      Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
      return SealingKeyPair.fromSeed(seed);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /**
   * Reads the key in {@code file}.
   *
   * @throws IllegalArgumentException naming the file (never its content) if it is not a key file
   */
  public static SealingKeyPair read(Path file) throws IOException {
    for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      byte[] seed;
      try {
        seed = Base64.getDecoder().decode(line.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " is not a clean-room result key (its key line is not base64)");
      }
      try {
        if (seed.length != 32) {
          throw new IllegalArgumentException(file + " is not a clean-room result key (32 bytes expected)");
        }
        return SealingKeyPair.fromSeed(seed);
      } finally {
        Arrays.fill(seed, (byte) 0);
      }
    }
    throw new IllegalArgumentException(file + " is not a clean-room result key (no key line)");
  }

  static void refuseExisting(Path file) throws FileAlreadyExistsException {
    if (Files.exists(file)) {
      throw new FileAlreadyExistsException(file + " exists; a key file is never overwritten");
    }
  }
}
