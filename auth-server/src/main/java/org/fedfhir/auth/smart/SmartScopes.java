package org.fedfhir.auth.smart;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SMART App Launch 2.2 scope syntax: which scopes are well formed, and which scopes a client
 * registered for a scope may therefore request.
 *
 * <p>Resource scopes are {@code (patient|user|system)/(Type|*).(perms)}, where perms is a v2 subset
 * of {@code cruds} in that order ({@code rs}, {@code cruds}) or a v1 word ({@code read},
 * {@code write}, {@code *}); a v2 scope may carry a query suffix ({@code ?category=…}). The other
 * scopes are {@link #CONTEXT_SCOPES}.
 */
public final class SmartScopes {
  /** Launch, identity and refresh scopes. */
  public static final Set<String> CONTEXT_SCOPES = Set.of("launch", "launch/patient", "launch/encounter", "openid",
      "fhirUser", "profile", "offline_access", "online_access");

  private static final Pattern RESOURCE = Pattern.compile(
      "(patient|user|system)/([A-Z][A-Za-z]{0,63}|\\*)\\.(c?r?u?d?s?|read|write|\\*)(\\?[^\\s]+)?");
  private static final String CRUDS = "cruds";

  private SmartScopes() {}

  /** True if {@code scope} is a SMART scope this server understands. */
  public static boolean isValid(String scope) {
    if (CONTEXT_SCOPES.contains(scope)) {
      return true;
    }
    Matcher m = RESOURCE.matcher(scope);
    if (!m.matches() || m.group(3).isEmpty()) {
      return false;
    }
    boolean v1 = isV1(m.group(3));
    return !(v1 && m.group(4) != null);
  }

  /** True for the patient-, user- or system-level resource scopes (not launch or identity scopes). */
  public static boolean isResourceScope(String scope) {
    return RESOURCE.matcher(scope).matches();
  }

  /**
   * The scopes a client registered for {@code registered} may request: the scope itself, every v2
   * subset of its permissions and the v1 words they cover ({@code user/*.rs} allows
   * {@code user/*.r}, {@code user/*.s} and {@code user/*.read}; {@code patient/X.*} allows all of
   * {@code patient/X.cruds}). Query-suffixed scopes and context scopes allow only themselves.
   */
  public static Set<String> requestable(String registered) {
    if (!isValid(registered)) {
      throw new IllegalArgumentException("not a SMART scope: '" + registered + "'");
    }
    Matcher m = RESOURCE.matcher(registered);
    if (!m.matches() || m.group(4) != null) {
      return Set.of(registered);
    }
    String prefix = m.group(1) + "/" + m.group(2) + ".";
    String perms = v2Permissions(m.group(3));
    Set<String> out = new LinkedHashSet<>();
    out.add(registered);
    for (int mask = 1; mask < 32; mask++) {
      StringBuilder subset = new StringBuilder();
      for (int i = 0; i < CRUDS.length(); i++) {
        if ((mask & (1 << i)) != 0) {
          subset.append(CRUDS.charAt(i));
        }
      }
      if (containsAll(perms, subset.toString())) {
        out.add(prefix + subset);
      }
    }
    if (containsAll(perms, "rs")) {
      out.add(prefix + "read");
    }
    if (containsAll(perms, "cud")) {
      out.add(prefix + "write");
    }
    if (perms.equals(CRUDS)) {
      out.add(prefix + "*");
    }
    return out;
  }

  /** {@link #requestable(String)} for every scope of a registration. */
  public static Set<String> requestable(List<String> registered) {
    Set<String> out = new LinkedHashSet<>();
    registered.forEach(s -> out.addAll(requestable(s)));
    return out;
  }

  private static boolean isV1(String perms) {
    return perms.equals("read") || perms.equals("write") || perms.equals("*");
  }

  private static String v2Permissions(String perms) {
    return switch (perms) {
      case "read" -> "rs";
      case "write" -> "cud";
      case "*" -> CRUDS;
      default -> perms;
    };
  }

  private static boolean containsAll(String perms, String wanted) {
    return wanted.chars().allMatch(c -> perms.indexOf(c) >= 0);
  }
}
