package org.fedfhir.auth.smart;

import java.util.List;
import java.util.function.Consumer;
import org.fedfhir.auth.directory.AuthDirectory;
import org.fedfhir.auth.directory.DirectoryUser;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;

/**
 * Checks a SMART authorization request on top of Spring Authorization Server's redirect-URI check
 * (PKCE with {@code S256} only is enforced by the server itself for every client that
 * requires a proof key):
 * <ul>
 *   <li>every requested scope is covered by a registered one ({@link SmartScopes#allowed});</li>
 *   <li>{@code aud} is required and must be one of this issuer's resource servers;</li>
 *   <li>scope {@code launch} needs an open, unexpired {@code launch} value;</li>
 *   <li>scope {@code launch/patient} (without an EHR launch) needs a logged-in user with an own
 *       patient, or a {@code launch} value the same user opened at the patient picker
 *       ({@link PatientPicker}: staff pick the patient there first).</li>
 * </ul>
 */
public final class SmartAuthorizationRequestValidator
    implements Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> {
  private final Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> defaults =
      OAuth2AuthorizationCodeRequestAuthenticationValidator.DEFAULT_REDIRECT_URI_VALIDATOR;
  private final List<String> resources;
  private final LaunchContexts launches;
  private final AuthDirectory directory;

  public SmartAuthorizationRequestValidator(List<String> resources, LaunchContexts launches, AuthDirectory directory) {
    this.resources = List.copyOf(resources);
    this.launches = launches;
    this.directory = directory;
  }

  @Override
  public void accept(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
    defaults.accept(context);
    OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
    if (!SmartScopes.allowed(context.getRegisteredClient().getScopes(), request.getScopes())) {
      throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_SCOPE,
          "a requested scope is not covered by the client's registration", null), request);
    }
    Object aud = request.getAdditionalParameters().get(SmartAttributes.AUD);
    if (!(aud instanceof String a) || !resources.contains(a)) {
      refuse(request, aud == null ? "aud is required: the FHIR base URL the token is for"
          : "aud is not a resource server of this issuer");
    }
    if (request.getScopes().contains("launch")) {
      Object launch = request.getAdditionalParameters().get(SmartAttributes.LAUNCH);
      if (!(launch instanceof String l) || launches.peek(l).isEmpty()) {
        refuse(request, "scope launch needs a launch value that is open, unexpired and not yet used");
      }
    } else if (request.getScopes().contains("launch/patient") && isLoggedIn(request)) {
      String name = ((Authentication) request.getPrincipal()).getName();
      Object launch = request.getAdditionalParameters().get(SmartAttributes.LAUNCH);
      if (launch != null) {
        if (!(launch instanceof String l) || launches.peek(l).filter(c -> c.usableBy(name)).isEmpty()) {
          refuse(request, "launch/patient with a launch value needs one this user opened at the patient picker, "
              + "open, unexpired and not yet used");
        }
      } else if (directory.user(name).map(DirectoryUser::patient).isEmpty()) {
        refuse(request, "launch/patient needs a patient user or a patient picked at " + PatientPicker.PATH
            + ": this user has no own patient record");
      }
    }
  }

  private static boolean isLoggedIn(OAuth2AuthorizationCodeRequestAuthenticationToken request) {
    return request.getPrincipal() instanceof Authentication a && a.isAuthenticated()
        && !(a instanceof AnonymousAuthenticationToken);
  }

  private static void refuse(OAuth2AuthorizationCodeRequestAuthenticationToken request, String why) {
    throw new OAuth2AuthorizationCodeRequestAuthenticationException(
        new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, why, null), request);
  }
}
