package org.fedfhir.aggregator.pki;

import java.util.regex.Pattern;

/**
 * Checks a party's name (certificate CN, file name stem): 1–63 characters of lower-case letters,
 * digits and '-', starting with a letter or digit, so it is safe as a DNS label and a file name.
 */
public final class PartyName {

  private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  /** The name the aggregator's own certificate carries. */
  public static final String AGGREGATOR = "aggregator";

  /** The name the TEE model service's certificate carries. */
  public static final String TEE = "tee";

  /** The role a party named {@code name} has unless told otherwise: aggregator, TEE, else site. */
  public static org.fedfhir.access.Role defaultRole(String name) {
    return switch (name) {
      case AGGREGATOR -> org.fedfhir.access.Role.AGGREGATOR;
      case TEE -> org.fedfhir.access.Role.TEE;
      default -> org.fedfhir.access.Role.SITE;
    };
  }

  private PartyName() {}

  /** Returns the name if valid. */
  public static String require(String name) {
    if (name == null || !VALID.matcher(name).matches()) {
      throw new IllegalArgumentException("party name '" + name
          + "'; need 1–63 of a-z, 0-9 and '-', starting with a letter or digit");
    }
    return name;
  }
}
