package org.fedfhir.auth.smart;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The patient picker of a standalone launch: a signed-in staff user (no own patient) whose app asks for
 * {@code launch/patient} without an EHR's {@code launch} is sent here by {@link PatientPickerRedirect},
 * names the patient by their id in the hospital's record, and goes back to the authorization request
 * with a {@code launch} value bound to that patient and to this user ({@link LaunchContexts#pick}).
 * The authorisation server holds no patient records: it cannot list or check patients; the hospital's
 * FHIR server decides what the token may read (a clinician: the patient's compartment), and the app
 * shows the patient it got so the user can see it is the one they meant.
 */
@RestController
public final class PatientPicker {
  /** Where the picker is served. */
  public static final String PATH = "/patient-picker";
  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  /** An authorization request's query string, as this server's endpoint received it (URL-encoded). */
  private static final Pattern QUERY = Pattern.compile("[A-Za-z0-9\\-._~%&=+!*'(),;:@/?]{1,4000}");

  private final LaunchContexts launches;

  public PatientPicker(LaunchContexts launches) {
    this.launches = launches;
  }

  @GetMapping(path = PATH, produces = MediaType.TEXT_HTML_VALUE)
  public ResponseEntity<String> form(HttpServletRequest request, Principal user) {
    String authorize = request.getQueryString();
    if (authorize == null || !QUERY.matcher(authorize).matches()) {
      return ResponseEntity.badRequest().contentType(MediaType.TEXT_PLAIN)
          .body("the patient picker continues an authorization request: open the app again");
    }
    CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
    return ResponseEntity.ok(page(HtmlUtils.htmlEscape(user.getName()), HtmlUtils.htmlEscape(authorize),
        csrf == null ? "" : "<input type=\"hidden\" name=\"" + HtmlUtils.htmlEscape(csrf.getParameterName())
            + "\" value=\"" + HtmlUtils.htmlEscape(csrf.getToken()) + "\">"));
  }

  @PostMapping(path = PATH, consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
  public ResponseEntity<String> pick(@RequestParam("patient") String patient,
      @RequestParam("authorize") String authorize, Principal user) {
    if (!FHIR_ID.matcher(patient).matches() || !QUERY.matcher(authorize).matches()
        || authorize.matches("(^|.*&)launch=.*")) {
      return ResponseEntity.badRequest().contentType(MediaType.TEXT_PLAIN)
          .body("the patient must be a FHIR id (letters, digits, '-', '.'; at most 64), e.g. 1042 for Patient/1042");
    }
    String launch = launches.pick(patient, user.getName());
    return ResponseEntity.status(HttpStatus.FOUND).header(HttpHeaders.LOCATION, "/oauth2/authorize?" + authorize
        + "&launch=" + URLEncoder.encode(launch, StandardCharsets.UTF_8)).build();
  }

  private static String page(String user, String authorize, String csrf) {
    return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Choose the patient</title></head>
        <body>
        <h1>Choose the patient</h1>
        <p>Signed in as %s. The app asks for one patient's record (a standalone launch, not from the EHR's chart):
        name the patient by their id in this hospital's record (Patient/<em>id</em>). The app will show whom it opened.</p>
        <form method="post" action="%s">
          %s
          <input type="hidden" name="authorize" value="%s">
          <label for="patient">Patient id</label>
          <input id="patient" name="patient" required autocomplete="off">
          <button id="pick-patient" type="submit">Open this patient</button>
        </form>
        </body></html>
        """.formatted(user, PATH, csrf, authorize);
  }
}
