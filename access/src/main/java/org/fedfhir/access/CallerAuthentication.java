package org.fedfhir.access;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import jakarta.servlet.http.HttpServletRequest;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Authenticates every request to a plain HAPI server (the aggregator's and the TEE model service's
 * FHIR endpoints): a bearer access token from a {@link TrustedIssuer}, or a certificate of the
 * network CA presented over mutual TLS ({@link NetworkIdentity}). The caller is kept with the request
 * ({@link Callers}); the server's rules then decide what it may do. Anonymous callers get 401 with an
 * {@code OperationOutcome} and {@code WWW-Authenticate: Bearer}, except for the CapabilityStatement.
 */
@Interceptor
public final class CallerAuthentication {

  private final List<AccessTokenVerifier> issuers;
  private final boolean certificates;

  /**
   * @param issuers the authorisation servers whose tokens are accepted (may be empty)
   * @param certificates whether network certificates (role in the OU) authenticate callers
   */
  public CallerAuthentication(List<AccessTokenVerifier> issuers, boolean certificates) {
    this.issuers = List.copyOf(issuers);
    this.certificates = certificates;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
  public boolean authenticate(RequestDetails request, HttpServletRequest servlet) {
    Callers.setAddress(request, servlet.getRemoteAddr());
    Optional<Caller> caller = resolve(servlet, request);
    if (caller.isPresent()) {
      Callers.set(request, caller.get());
      return true;
    }
    if (request.getRestOperationType() == RestOperationTypeEnum.METADATA) {
      return true;
    }
    throw unauthenticated("authentication required: a bearer access token"
        + (certificates ? " or a client certificate of the network CA" : ""), null);
  }

  private Optional<Caller> resolve(HttpServletRequest servlet, RequestDetails request) {
    String authorization = servlet.getHeader("Authorization");
    if (authorization != null) {
      if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw unauthenticated("only bearer access tokens are accepted", "invalid_request");
      }
      String token = authorization.substring(7).trim();
      if (issuers.isEmpty()) {
        throw unauthenticated("this server accepts no access tokens", "invalid_token");
      }
      InvalidTokenException last = null;
      for (AccessTokenVerifier issuer : issuers) {
        try {
          Caller caller = issuer.verify(token);
          Callers.setIssuer(request, issuer.issuer().issuer());
          return Optional.of(caller);
        } catch (InvalidTokenException e) {
          last = e;
        }
      }
      throw unauthenticated(last.getMessage(), "invalid_token");
    }
    if (certificates && servlet.getAttribute(HttpsConnectors.CLIENT_CERTIFICATES) instanceof X509Certificate[] chain
        && chain.length > 0) {
      Optional<Caller> party = NetworkIdentity.of(chain[0]);
      if (party.isEmpty()) {
        throw unauthenticated("the client certificate names no FedFHIR role (OU)", null);
      }
      return party;
    }
    return Optional.empty();
  }

  static AuthenticationException unauthenticated(String message, String error) {
    AuthenticationException e = new AuthenticationException(message);
    e.addAuthenticateHeaderForRealm("FedFHIR");
    e.getResponseHeaders().put("WWW-Authenticate",
        List.of(error == null ? "Bearer realm=\"FedFHIR\"" : "Bearer realm=\"FedFHIR\", error=\"" + error + "\""));
    return e;
  }
}
