package org.fedfhir.aggregator.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * The passphrase the network CA's private key is encrypted under. It is read from a file
 * ({@code --passphrase-file}) or the environment variable {@value #ENVIRONMENT_VARIABLE}, never from
 * the command line (where other users of the machine and the shell history would see it).
 * {@link #toString()} never shows it; there is no {@code equals}.
 */
public final class CaPassphrase {

  /** The environment variable a passphrase is read from when no file is given. */
  public static final String ENVIRONMENT_VARIABLE = "FEDFHIR_CA_PASSPHRASE";

  /** Shortest passphrase accepted. */
  public static final int MIN_LENGTH = 12;

  /** PBKDF2-HMAC-SHA256 iterations for a passphrase a person chose (OWASP's 2023 figure). */
  public static final int CHOSEN_ITERATIONS = 600_000;

  /** Iterations for a {@link #random()} passphrase: 192 random bits need no stretching. */
  public static final int RANDOM_ITERATIONS = 10_000;

  private final char[] value;
  private final int iterations;

  private CaPassphrase(char[] value) {
    this(value, CHOSEN_ITERATIONS);
  }

  private CaPassphrase(char[] value, int iterations) {
    if (value.length < MIN_LENGTH) {
      throw new IllegalArgumentException("the CA passphrase has " + value.length + " characters; need at least "
          + MIN_LENGTH);
    }
    this.value = value;
    this.iterations = iterations;
  }

  /** A passphrase held in memory (tests, and a throwaway network the demo makes and forgets). */
  public static CaPassphrase of(String passphrase) {
    return new CaPassphrase(passphrase.toCharArray());
  }

  /** A fresh random passphrase, for a network whose CA key is used once and never again. */
  public static CaPassphrase random() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return new CaPassphrase(HexFormat.of().formatHex(bytes).toCharArray(), RANDOM_ITERATIONS);
  }

  /**
   * The passphrase from {@code file} (its first line) if given, else from {@value #ENVIRONMENT_VARIABLE}.
   *
   * @throws PkiException if neither holds one
   */
  public static CaPassphrase from(Path file, Map<String, String> environment) {
    if (file != null) {
      try {
        String first = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
        return new CaPassphrase(first.toCharArray());
      } catch (IOException e) {
        throw new PkiException("could not read the passphrase file " + file + ": " + e.getMessage(), e);
      }
    }
    String env = environment.get(ENVIRONMENT_VARIABLE);
    if (env == null || env.isEmpty()) {
      throw new PkiException("the CA key needs a passphrase: give --passphrase-file FILE or set "
          + ENVIRONMENT_VARIABLE + " (never on the command line)");
    }
    return new CaPassphrase(env.toCharArray());
  }

  /** How many PBKDF2 iterations a key encrypted under this passphrase gets. */
  int keyDerivationIterations() {
    return iterations;
  }

  /** A copy of the passphrase's characters; the caller should clear it when done. */
  char[] chars() {
    return Arrays.copyOf(value, value.length);
  }

  @Override
  public String toString() {
    return "CaPassphrase[hidden]";
  }
}
