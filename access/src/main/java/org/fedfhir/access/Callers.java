package org.fedfhir.access;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Optional;

/** The authenticated caller of a HAPI request, kept in the request's user data. */
public final class Callers {

  private static final String CALLER = Caller.class.getName();
  private static final String ADDRESS = Caller.class.getName() + ".address";
  private static final String ISSUER = Caller.class.getName() + ".issuer";

  private Callers() {}

  public static void set(RequestDetails request, Caller caller) {
    request.getUserData().put(CALLER, caller);
  }

  /** The request's caller, if it authenticated. */
  public static Optional<Caller> of(RequestDetails request) {
    return request == null ? Optional.empty() : Optional.ofNullable((Caller) request.getUserData().get(CALLER));
  }

  /**
   * The request's caller.
   *
   * @throws ca.uhn.fhir.rest.server.exceptions.AuthenticationException (401) if it did not authenticate
   */
  public static Caller require(RequestDetails request) {
    return of(request).orElseThrow(() -> CallerAuthentication.unauthenticated("authentication required", null));
  }

  public static void setAddress(RequestDetails request, String address) {
    if (address != null) {
      request.getUserData().put(ADDRESS, address);
    }
  }

  /** The network address the request came from, if known. */
  public static Optional<String> address(RequestDetails request) {
    return request == null ? Optional.empty() : Optional.ofNullable((String) request.getUserData().get(ADDRESS));
  }

  /** Records the issuer whose access token authenticated the request's caller. */
  public static void setIssuer(RequestDetails request, String issuer) {
    if (issuer != null) {
      request.getUserData().put(ISSUER, issuer);
    }
  }

  /** The issuer whose access token authenticated the caller; empty for a certificate or no caller. */
  public static Optional<String> issuer(RequestDetails request) {
    return request == null ? Optional.empty() : Optional.ofNullable((String) request.getUserData().get(ISSUER));
  }
}
