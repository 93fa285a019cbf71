package org.fedfhir.auth.backend;

import com.nimbusds.jwt.SignedJWT;
import jakarta.servlet.http.HttpServletRequest;
import java.text.ParseException;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Reads a SMART Backend Services client assertion that comes without a {@code client_id}
 * parameter (SMART does not send one; Spring Authorization Server's own converter requires it):
 * the client id is taken from the assertion's {@code sub}, which the assertion provider then checks
 * together with the signature ({@code iss} = {@code sub} = client id). Requests that carry
 * {@code client_id} are left to Spring Authorization Server's converter.
 */
public final class ClientAssertionConverter implements AuthenticationConverter {
  private static final ClientAuthenticationMethod JWT_BEARER =
      new ClientAuthenticationMethod("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");

  @Override
  public Authentication convert(HttpServletRequest request) {
    if (!"POST".equals(request.getMethod()) || request.getParameter("client_id") != null
        || !JWT_BEARER.getValue().equals(request.getParameter("client_assertion_type"))) {
      return null;
    }
    String[] assertions = request.getParameterValues("client_assertion");
    if (assertions == null || assertions.length != 1) {
      throw invalid("exactly one client_assertion is needed");
    }
    String clientId;
    try {
      clientId = SignedJWT.parse(assertions[0]).getJWTClaimsSet().getSubject();
    } catch (ParseException e) {
      throw invalid("client_assertion is not a signed JWT");
    }
    if (clientId == null || clientId.isBlank()) {
      throw invalid("client_assertion has no sub");
    }
    return new OAuth2ClientAuthenticationToken(clientId, JWT_BEARER, assertions[0], Map.of());
  }

  private static OAuth2AuthenticationException invalid(String why) {
    return new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, why, null));
  }
}
