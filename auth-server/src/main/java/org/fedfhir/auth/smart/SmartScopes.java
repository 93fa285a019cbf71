package org.fedfhir.auth.smart;

import java.util.Collection;
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
   * True if a client registered for {@code registered} may request {@code requested}: the same
   * scope, or a resource scope of the same context whose type is the registered one or covered by
   * its {@code *}, whose permissions are a subset (v1 {@code read} = {@code rs}, {@code write} =
   * {@code cud}, {@code *} = {@code cruds}), and whose query suffix, if the registration has one,
   * is the same. So {@code user/*.rs} allows {@code user/Observation.r} and
   * {@code user/Patient.read}, not {@code user/Patient.c}.
   */
  public static boolean covers(String registered, String requested) {
    if (registered.equals(requested)) {
      return isValid(requested);
    }
    Matcher r = RESOURCE.matcher(registered);
    Matcher q = RESOURCE.matcher(requested);
    if (!isValid(registered) || !isValid(requested) || !r.matches() || !q.matches()) {
      return false;
    }
    return r.group(1).equals(q.group(1))
        && (r.group(2).equals("*") || r.group(2).equals(q.group(2)))
        && (r.group(4) == null || r.group(4).equals(q.group(4)))
        && containsAll(v2Permissions(r.group(3)), v2Permissions(q.group(3)));
  }

  /** True if every requested scope is covered by one of the registered scopes. */
  public static boolean allowed(Collection<String> registered, Collection<String> requested) {
    return requested.stream().allMatch(q -> registered.stream().anyMatch(r -> covers(r, q)));
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
