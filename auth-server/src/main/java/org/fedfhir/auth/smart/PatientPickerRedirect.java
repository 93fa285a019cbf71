package org.fedfhir.auth.smart;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.fedfhir.auth.directory.AuthDirectory;
import org.fedfhir.auth.directory.DirectoryUser;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Sends a signed-in staff user's standalone {@code launch/patient} authorization request (no
 * {@code launch} scope or value; the user has no own patient) to the {@link PatientPicker}, which
 * comes back with a {@code launch} value for the patient chosen. Anyone else's request goes on unchanged.
 */
public final class PatientPickerRedirect extends OncePerRequestFilter {
  private final AuthDirectory directory;

  public PatientPickerRedirect(AuthDirectory directory) {
    this.directory = directory;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (needsPatient(request)) {
      response.sendRedirect(request.getContextPath() + PatientPicker.PATH + "?" + request.getQueryString());
      return;
    }
    chain.doFilter(request, response);
  }

  private boolean needsPatient(HttpServletRequest request) {
    if (!"GET".equals(request.getMethod())
        || !(request.getContextPath() + "/oauth2/authorize").equals(request.getRequestURI())
        || request.getParameter(SmartAttributes.LAUNCH) != null || request.getParameter("scope") == null) {
      return false;
    }
    List<String> scopes = Arrays.asList(request.getParameter("scope").trim().split("\\s+"));
    if (!scopes.contains("launch/patient") || scopes.contains("launch")) {
      return false;
    }
    Authentication user = SecurityContextHolder.getContext().getAuthentication();
    return user != null && user.isAuthenticated() && !(user instanceof AnonymousAuthenticationToken)
        && directory.user(user.getName()).map(DirectoryUser::patient).isEmpty();
  }
}
