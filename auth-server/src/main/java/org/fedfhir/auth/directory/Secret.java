package org.fedfhir.auth.directory;

import java.util.Objects;

/**
 * A generated password, client secret or private key handed to the caller once. It never prints
 * itself ({@link #toString()} is redacted) and has no {@code equals}: call {@link #reveal()} where
 * the value must be written (a file with owner-only permissions, a prompt).
 */
public final class Secret {
  private final String value;

  public Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** The secret value. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "Secret[redacted]";
  }
}
